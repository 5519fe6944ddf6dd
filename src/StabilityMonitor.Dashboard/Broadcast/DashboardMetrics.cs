using System.Diagnostics.Metrics;

namespace StabilityMonitor.Dashboard.Broadcast;

/// <summary>
/// The dashboard's counters and the alert latency histogram, as <see cref="System.Diagnostics.Metrics"/> instruments on
/// the <see cref="MeterName"/> meter (exported on <c>/metrics</c> with the pipeline's). Messages are counted per group
/// send (one send reaches every connection of the group), not per connection.
/// </summary>
internal sealed class DashboardMetrics
{
    public const string MeterName = "StabilityMonitor.Dashboard";

    private static readonly MessageKind[] s_kinds = Enum.GetValues<MessageKind>();
    private readonly long[] _messages = new long[s_kinds.Length];
    private readonly long[] _dropped = new long[s_kinds.Length];
    private readonly Histogram<double> _alertLatency;
    private long _coalesced;
    private long _unowned;

    public DashboardMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        meter.CreateObservableCounter("stability_dashboard_messages_total", () => Observe(_messages), description: "Hub messages sent, per group send, by kind.");
        meter.CreateObservableCounter("stability_dashboard_dropped_total", () => Observe(_dropped), description: "Metrics and state messages dropped because a group's queue was full (slow consumers), by kind.");
        meter.CreateObservableCounter("stability_dashboard_coalesced_total", () => Coalesced, description: "Sway windows replaced by a newer one of the same wearable before the metrics flush.");
        meter.CreateObservableCounter("stability_dashboard_unowned_total", () => Unowned, description: "Sway windows not sent because no resident wears the wearable (still unknown after a reload begun after the window).");
        _alertLatency = meter.CreateHistogram(
            "stability_alert_hub_latency_seconds",
            unit: null,
            description: "Detector alerts: frame processed to hub send completed, s.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyHistogram.Bounds });
    }

    /// <summary>Arrival (frame processed) to hub send completed, for alerts raised by a detector (kept here for quantiles).</summary>
    public LatencyHistogram AlertLatency { get; } = new();

    public long Coalesced => Interlocked.Read(ref _coalesced);

    public long Unowned => Interlocked.Read(ref _unowned);

    public long Messages(MessageKind kind) => Interlocked.Read(ref _messages[(int)kind]);

    public long Dropped(MessageKind kind) => Interlocked.Read(ref _dropped[(int)kind]);

    public void AddMessage(MessageKind kind) => Interlocked.Increment(ref _messages[(int)kind]);

    public void AddDropped(MessageKind kind) => Interlocked.Increment(ref _dropped[(int)kind]);

    public void AddCoalesced() => Interlocked.Increment(ref _coalesced);

    public void AddUnowned() => Interlocked.Increment(ref _unowned);

    /// <summary>An alert reached the hub <paramref name="latency"/> after its frame was processed.</summary>
    public void RecordAlertLatency(TimeSpan latency)
    {
        AlertLatency.Observe(latency);
        _alertLatency.Record(Math.Max(0, latency.TotalSeconds));
    }

    private static IEnumerable<Measurement<long>> Observe(long[] values)
    {
        foreach (var kind in s_kinds)
        {
            yield return new Measurement<long>(Interlocked.Read(ref values[(int)kind]), new KeyValuePair<string, object?>("kind", kind.ToString().ToLowerInvariant()));
        }
    }
}
