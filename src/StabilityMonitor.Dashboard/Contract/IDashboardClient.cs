using StabilityMonitor.Alerting.Alerts;

namespace StabilityMonitor.Dashboard.Contract;

/// <summary>
/// What the server pushes to a dashboard connection (SignalR method names are these names in camelCase on the wire:
/// <c>snapshot</c>, <c>residentState</c>, <c>metrics</c>, <c>alert</c>). A connection only ever receives its own
/// facility's residents and alerts.
/// </summary>
public interface IDashboardClient
{
    /// <summary>The whole ward, sent on connect and on <c>Sync</c>: tiles and the recent alerts (open ones first).</summary>
    Task Snapshot(WardSnapshot snapshot);

    /// <summary>A resident's wearable changed: online/offline, posture, activity, battery.</summary>
    Task ResidentState(ResidentState state);

    /// <summary>Compact metrics, coalesced: at most one entry per resident per <c>Dashboard:MetricsInterval</c> (0.5 s).</summary>
    Task Metrics(IReadOnlyList<ResidentMetrics> batch);

    /// <summary>An alert was raised or changed (by anyone: another caregiver, escalation, evidence attached). Never dropped.</summary>
    Task Alert(AlertChange change);
}
