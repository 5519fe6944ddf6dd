namespace StabilityMonitor.Alerting.Alerts;

/// <summary>Filters and page of <c>GET /api/alerts</c>; newest first.</summary>
public sealed record AlertQuery(string? State, string? Kind, Guid? ResidentId, string? DeviceId, int Page, int PageSize);
