namespace StabilityMonitor.Pipeline;

/// <summary>What a <see cref="FrameSequencer"/> counts.</summary>
internal enum SequenceAnomaly : byte
{
    Lost,
    Duplicate,
    Reordered,
    Late,
    ClockJump,
    Restart,
}
