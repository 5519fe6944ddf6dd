using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// One accepted message on its way from the receive handler to the consumer: a decoded frame whose samples
/// sit in a pooled array (owned by whoever holds the item; returned exactly once), or a status.
/// </summary>
internal readonly struct IngestItem
{
    private IngestItem(string topic, Range deviceId, TopicKind kind, in FrameHeader header, AccelSample[]? samples, DeviceStatus status, long receivedTimestamp, long arrivalUnixMicros, long logPosition)
    {
        ArrivalUnixMicros = arrivalUnixMicros;
        LogPosition = logPosition;
        Topic = topic;
        DeviceIdRange = deviceId;
        Kind = kind;
        Header = header;
        Samples = samples;
        Status = status;
        ReceivedTimestamp = receivedTimestamp;
    }

    public string Topic { get; }

    public Range DeviceIdRange { get; }

    public TopicKind Kind { get; }

    public FrameHeader Header { get; }

    /// <summary>Pooled; holds at least <see cref="FrameHeader.SampleCount"/> samples. Null for a status.</summary>
    public AccelSample[]? Samples { get; }

    public DeviceStatus Status { get; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the message was received.</summary>
    public long ReceivedTimestamp { get; }

    /// <summary>Wall-clock arrival, Unix microseconds: the time an event of this frame is stamped as received (the same in a replay).</summary>
    public long ArrivalUnixMicros { get; }

    /// <summary>Where the message is in the frame log (<see cref="Ports.IFrameLog"/>); 0 when it is not logged.</summary>
    public long LogPosition { get; }

    public ReadOnlySpan<char> DeviceId => Topic.AsSpan()[DeviceIdRange];

    public ReadOnlySpan<AccelSample> SampleSpan => Samples.AsSpan(0, Header.SampleCount);

    /// <summary>The same message at a frame-log position.</summary>
    public IngestItem At(long logPosition) => new(Topic, DeviceIdRange, Kind, Header, Samples, Status, ReceivedTimestamp, ArrivalUnixMicros, logPosition);

    public static IngestItem Frame(string topic, Range deviceId, in FrameHeader header, AccelSample[] samples, long receivedTimestamp, long arrivalUnixMicros = 0, long logPosition = 0) =>
        new(topic, deviceId, TopicKind.Accel, header, samples, default, receivedTimestamp, arrivalUnixMicros, logPosition);

    public static IngestItem StatusMessage(string topic, Range deviceId, DeviceStatus status, long receivedTimestamp, long arrivalUnixMicros = 0, long logPosition = 0) =>
        new(topic, deviceId, TopicKind.Status, default, null, status, receivedTimestamp, arrivalUnixMicros, logPosition);
}
