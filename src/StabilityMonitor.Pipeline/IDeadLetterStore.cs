using System.Buffers;

namespace StabilityMonitor.Pipeline;

/// <summary>Port: where rejected messages are set aside.</summary>
public interface IDeadLetterStore
{
    /// <summary>Keeps a copy of a rejected message. Must not throw, block or grow without bound.</summary>
    void Add(string topic, RejectReason reason, in ReadOnlySequence<byte> payload);

    /// <summary>Kept messages, newest first.</summary>
    IReadOnlyList<DeadLetter> Recent(int max);

    /// <summary>Messages added since start, including those no longer kept.</summary>
    long Total { get; }
}
