namespace StabilityMonitor.Alerting.Alerts;

/// <summary>Severities in increasing order; escalation raises an alert one step.</summary>
public static class AlertSeverities
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";
    public const string Critical = "critical";

    public static string Raise(string severity) => severity switch
    {
        Low => Medium,
        Medium => High,
        _ => Critical,
    };
}
