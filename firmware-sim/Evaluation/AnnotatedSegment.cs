namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>An annotated span of a trial, seconds from the start of the recording, [start, end).</summary>
internal sealed record AnnotatedSegment(double StartS, double EndS);
