using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Turns one device's stream of frames into sway metrics and events. Not thread-safe: one instance
/// per device, fed in order. The same code runs live, in replay and in offline evaluation.
/// </summary>
public sealed class DeviceProcessor
{
    private readonly ProcessorOptions _options;

    public DeviceProcessor(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Number of times the filter state was reset (gaps, time jumps, rate changes).</summary>
    public long Resets { get; private set; }

    /// <summary>Processes one decoded frame.</summary>
    public void Process(in FrameHeader header, ReadOnlySpan<AccelSample> samples, IProcessorSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _ = _options;
        _ = header;
        _ = samples;
    }
}
