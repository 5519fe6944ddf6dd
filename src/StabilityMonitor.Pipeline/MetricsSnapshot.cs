namespace StabilityMonitor.Pipeline;

/// <summary>The pipeline's totals at one moment (for the console summary and tests).</summary>
public readonly record struct MetricsSnapshot(
    DateTimeOffset At,
    long Frames,
    long Samples,
    long Rejected,
    long Lost,
    long Duplicates,
    int DevicesOnline,
    int DevicesKnown,
    long SwayEvents,
    long NearFalls,
    long Falls,
    double BlockedSeconds);
