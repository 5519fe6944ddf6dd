using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.FirmwareSim.Tuning;

/// <summary>Every perturbation candidate the processor measured in one trial, before classification.</summary>
internal sealed record TrialCandidates(Recording Recording, IReadOnlyList<PerturbationFeatures> Candidates);
