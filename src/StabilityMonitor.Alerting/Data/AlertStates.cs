namespace StabilityMonitor.Alerting.Data;

/// <summary>The alert lifecycle: open → acknowledged → resolved (open → resolved is allowed too).</summary>
public static class AlertStates
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";

    public static bool IsKnown(string? state) => state is Open or Acknowledged or Resolved;
}
