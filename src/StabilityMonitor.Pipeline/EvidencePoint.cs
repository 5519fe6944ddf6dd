namespace StabilityMonitor.Pipeline;

/// <summary>One point of an evidence trace: the mean acceleration over one 40 ms slot, device axes, milli-g.</summary>
public readonly record struct EvidencePoint(short XMilliG, short YMilliG, short ZMilliG);
