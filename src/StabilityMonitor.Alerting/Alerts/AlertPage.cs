namespace StabilityMonitor.Alerting.Alerts;

/// <summary>One page of alerts, newest first, with the total that matched.</summary>
public sealed record AlertPage(IReadOnlyList<AlertView> Items, int Total, int Page, int PageSize);
