namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>A recording finished: <paramref name="Completed"/> of <paramref name="Total"/> are done.</summary>
internal readonly record struct EvaluationProgress(int Completed, int Total, string Name);
