using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Influx.Tests;

/// <summary>Deterministic points: point i always has the same values and a distinct timestamp.</summary>
internal static class TestPoints
{
    /// <summary>A device-time origin near now (VictoriaMetrics drops points outside its retention).</summary>
    public static long NowMicros() => (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3_600_000) * 1000;

    public static StabilityEvent Event(int i, long baseMicros) => new(
        TimeMicros: baseMicros + (i * 1000L),
        Kind: (EventKind)(1 + (i % 3)),
        Severity: (byte)(1 + (i % 3)),
        Score: (i % 100) / 100f,
        PeakAccelG: 2f + (i % 17) * 0.125f,
        PeakJerkGPerS: 40f + i % 13,
        DurationMs: 300f + i % 50,
        TiltChangeDeg: (i % 90) - 10.5f,
        DecisionTimeMicros: baseMicros + (i * 1000L) + 1_000_000);

    public static SwayMetrics Window(int i, long baseMicros) => new(
        StartMicros: baseMicros + (i * 1000L) - 10_000_000,
        EndMicros: baseMicros + (i * 1000L),
        Posture: (Posture)(i % 4),
        Activity: (Activity)(i % 4),
        TiltDeg: 5f + (i % 30),
        RmsAp: 0.05f + (i % 100) * 0.001f,
        RmsMl: 0.04f + (i % 50) * 0.002f,
        JerkRms: 1.5f + (i % 7),
        MeanVelocity: 0.3f + (i % 11) * 0.01f,
        PathLength: 3f + (i % 19),
        EllipseArea95: 0.00001f * (1 + (i % 5)),
        CentroidFrequencyHz: 0.5f + (i % 9) * 0.1f);

    /// <summary>Point i of a mixed stream: every 10th is an event, the rest windows (device "dev-{i % 5}").</summary>
    public static ValueTask AppendMixedAsync(IMetricStore store, int i, long baseMicros, CancellationToken cancellationToken = default)
    {
        string device = "dev-" + (i % 5);
        if (i % 10 == 0)
        {
            StabilityEvent e = Event(i, baseMicros);
            return store.AppendEventAsync("north-wing", device, in e, cancellationToken: cancellationToken);
        }

        SwayMetrics w = Window(i, baseMicros);
        return store.AppendWindowAsync("north-wing", device, in w, cancellationToken: cancellationToken);
    }

    public static int EventsIn(int count) => (count + 9) / 10;
}
