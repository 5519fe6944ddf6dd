using StabilityMonitor.Alerting.Alerts;

namespace StabilityMonitor.Dashboard.Contract;

/// <summary>A facility's ward as one message: its residents' tiles and its recent alerts (newest first).</summary>
public sealed record WardSnapshot(Guid? FacilityId, string FacilityName, IReadOnlyList<ResidentTile> Residents, IReadOnlyList<AlertView> Alerts, DateTimeOffset At);
