using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline;

/// <summary>Everything the pipeline keeps about one device. Touched only under the pipeline's lock.</summary>
/// <remarks>
/// Memory per device is fixed by the options: the sequencer's held frames (at most
/// <see cref="PipelineOptions.MaxHeldFrames"/>, pooled buffers), the processor's filters and history for one rate,
/// and the evidence ring (about 3.5 KB).
/// </remarks>
internal sealed class DeviceState : IProcessorSink, ISequencedFrameTarget
{
    private readonly IngestPipeline _pipeline;

    public DeviceState(string id, IngestPipeline pipeline, DeviceProcessor processor, FrameSequencer sequencer)
    {
        Id = id;
        _pipeline = pipeline;
        Processor = processor;
        Sequencer = sequencer;
    }

    public string Id { get; }

    /// <summary>Replaced (history lost) when the device is quarantined: its state may be inconsistent after a throw.</summary>
    public DeviceProcessor Processor { get; set; }

    public FrameSequencer Sequencer { get; }

    public EvidenceRecorder Evidence { get; } = new();

    public bool Online { get; set; }

    public DateTimeOffset? LastSeen { get; set; }

    public long? LastDeviceTimeMicros { get; set; }

    public int? RateHz { get; set; }

    public float? Battery { get; set; }

    public string? Firmware { get; set; }

    public long Events { get; set; }

    /// <summary>Until when the device's frames are rejected; null when not quarantined.</summary>
    public DateTimeOffset? QuarantinedUntil { get; set; }

    /// <summary>Frames rejected during the current quarantine.</summary>
    public long QuarantineRejects { get; set; }

    /// <summary>The recency list the device is in (probation or established), and its neighbours there.</summary>
    public DeviceLru? Lru { get; set; }

    public DeviceState? Older { get; set; }

    public DeviceState? Newer { get; set; }

    public long Frames;
    public long Samples;
    public long Lost;
    public long Duplicates;
    public long Reordered;
    public long Late;
    public long ClockJumps;
    public long Restarts;

    public DeviceQuality Quality => new(Frames, Samples, Lost, Duplicates, Reordered, Late, ClockJumps, Restarts, 0);

    void ISequencedFrameTarget.Release(in IngestItem item) => _pipeline.ProcessFrame(this, item);

    void ISequencedFrameTarget.Drop(in IngestItem item) => _pipeline.ReturnSamples(item);

    void ISequencedFrameTarget.Count(SequenceAnomaly anomaly, long frames) => _pipeline.CountAnomaly(this, anomaly, frames);

    void IProcessorSink.OnEvent(in StabilityEvent stabilityEvent) => _pipeline.EmitEvent(this, stabilityEvent);

    void IProcessorSink.OnWindow(in SwayMetrics metrics) => _pipeline.EmitWindow(this, metrics);
}
