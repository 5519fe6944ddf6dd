using System.Buffers;
using Microsoft.Extensions.Options;

namespace StabilityMonitor.Pipeline;

/// <summary>Bounded in-memory dead-letter store: a ring of the newest <see cref="PipelineOptions.DeadLetterCapacity"/> messages.</summary>
internal sealed class DeadLetterStore : IDeadLetterStore
{
    private readonly Lock _lock = new();
    private readonly DeadLetter?[] _ring;
    private readonly int _maxBytes;
    private readonly TimeProvider _time;
    private long _total;

    public DeadLetterStore(IOptions<PipelineOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ring = new DeadLetter?[options.Value.DeadLetterCapacity];
        _maxBytes = options.Value.DeadLetterMaxBytes;
        _time = time;
    }

    public long Total => Interlocked.Read(ref _total);

    public void Add(string topic, RejectReason reason, in ReadOnlySequence<byte> payload)
    {
        if (_ring.Length == 0)
        {
            Interlocked.Increment(ref _total);
            return;
        }

        var kept = payload.Length <= _maxBytes ? payload : payload.Slice(0, _maxBytes);
        var letter = new DeadLetter(0, _time.GetUtcNow(), topic, reason, payload.Length, kept.ToArray());
        lock (_lock)
        {
            var id = ++_total;
            _ring[(id - 1) % _ring.Length] = letter with { Id = id };
        }
    }

    public IReadOnlyList<DeadLetter> Recent(int max)
    {
        lock (_lock)
        {
            var count = (int)Math.Min(Math.Min(_total, _ring.Length), Math.Max(0, max));
            var result = new List<DeadLetter>(count);
            for (var id = _total; id > _total - count; id--)
            {
                result.Add(_ring[(id - 1) % _ring.Length]!);
            }

            return result;
        }
    }
}
