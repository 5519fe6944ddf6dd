namespace StabilityMonitor.Pipeline;

/// <summary>Receives what a <see cref="FrameSequencer"/> decides about each frame.</summary>
internal interface ISequencedFrameTarget
{
    /// <summary>The frame is next in order: process it, then return its buffer.</summary>
    void Release(in IngestItem item);

    /// <summary>The frame is not processed (duplicate or late): return its buffer.</summary>
    void Drop(in IngestItem item);

    /// <summary>Counts an anomaly.</summary>
    void Count(SequenceAnomaly anomaly, long frames);
}
