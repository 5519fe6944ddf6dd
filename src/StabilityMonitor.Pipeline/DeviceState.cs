using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline;

/// <summary>Everything the pipeline keeps about one device. Touched only under the pipeline's lock.</summary>
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

    public DeviceProcessor Processor { get; }

    public FrameSequencer Sequencer { get; }

    public bool Online { get; set; }

    public DateTimeOffset? LastSeen { get; set; }

    public long? LastDeviceTimeMicros { get; set; }

    public int? RateHz { get; set; }

    public float? Battery { get; set; }

    public string? Firmware { get; set; }

    public long Events { get; set; }

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
