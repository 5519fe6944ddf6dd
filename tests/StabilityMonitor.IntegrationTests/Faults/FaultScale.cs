using System.Globalization;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>
/// Sizes of the fault tests: the suite's defaults, larger in scripts/soak-reliability.sh through environment variables.
/// </summary>
internal static class FaultScale
{
    /// <summary>Hostile frames and random-id frames per test: <c>STABILITY_FAULT_FRAMES</c>, default 10^5.</summary>
    public static int Frames => Read("STABILITY_FAULT_FRAMES", 100_000);

    /// <summary>How long the proxy answers 400: <c>STABILITY_FAULT_OUTAGE_SECONDS</c>, default 60.</summary>
    public static TimeSpan Outage => TimeSpan.FromSeconds(Read("STABILITY_FAULT_OUTAGE_SECONDS", 60));

    private static int Read(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
