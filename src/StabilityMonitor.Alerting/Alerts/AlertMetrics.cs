using System.Diagnostics.Metrics;

namespace StabilityMonitor.Alerting.Alerts;

/// <summary>
/// The alert store's share of an alert's latency: from the arrival of the frame that decided a detector event to the
/// commit of its alert (the hub hears of it after the commit; <c>stability_alert_hub_latency_seconds</c> is the
/// whole way). Exported with the other meters (meter <see cref="MeterName"/>).
/// </summary>
public sealed class AlertMetrics
{
    public const string MeterName = "StabilityMonitor.Alerting";

    private static readonly double[] Bounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Histogram<double> _committed;

    public AlertMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _committed = meter.CreateHistogram(
            "stability_alert_commit_latency_seconds",
            unit: null,
            description: "Detector alerts: deciding frame's arrival to the alert committed in the store, s.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Bounds });
    }

    public void RecordCommitted(TimeSpan sinceArrival) => _committed.Record(Math.Max(0, sinceArrival.TotalSeconds));
}
