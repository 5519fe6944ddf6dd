using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>A perturbation candidate the detector measured in a trial, with its peak time in seconds from the trial's start.</summary>
internal sealed record ReportCandidate(double PeakS, PerturbationFeatures Features);
