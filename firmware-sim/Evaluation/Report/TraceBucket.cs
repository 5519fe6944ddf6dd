namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>The smallest and largest value of a run of samples, and the time of its first sample, s.</summary>
internal readonly record struct TraceBucket(double TimeS, float Min, float Max);
