using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Dashboard.Contract;

namespace StabilityMonitor.Dashboard.Broadcast;

/// <summary>One message waiting in a group's outbox: exactly one payload is set, per <see cref="Kind"/>.</summary>
internal sealed record DashboardMessage(MessageKind Kind, AlertChange? Alert = null, ResidentState? State = null, IReadOnlyList<ResidentMetrics>? Metrics = null);
