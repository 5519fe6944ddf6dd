namespace StabilityMonitor.Pipeline;

/// <summary>What a restore from a checkpoint brought back.</summary>
/// <param name="Devices">Devices restored.</param>
/// <param name="ColdProcessors">Devices whose processor state did not fit this build's options: they start fresh.</param>
/// <param name="LogPosition">The frame-log position the checkpoint was taken at: replay continues after it.</param>
public readonly record struct CheckpointRestore(int Devices, int ColdProcessors, long LogPosition);
