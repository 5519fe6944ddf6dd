using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Signal.Tests.Detection;

/// <summary>Perturbation features of a typical stumble while walking, for classifier and tuner tests.</summary>
internal static class TestFeatures
{
    public static readonly PerturbationFeatures Stumble = new(
        PeakIndex: 100, PeakAccelG: 3.5f, PeakJerkGPerS: 300, PreMaxG: 1.6f, PreStdG: 0.2f, MinBeforeG: 0.2f,
        HorizontalPeakG: 3f, VerticalPeakG: 2f, ActiveMs: 600, TiltBeforeDeg: 5, TiltAfterDeg: 8, TiltChangeDeg: 5,
        MaxExcursionDeg: 40, PostStdG: 0.3f, EnergyRatio: 20, SampleRateHz: 200);
}
