namespace StabilityMonitor.Alerting.Data;

/// <summary>How a resolved alert turned out; the basis of false-alarm statistics.</summary>
public static class AlertOutcomes
{
    public const string FallConfirmed = "fall_confirmed";
    public const string NearFallConfirmed = "near_fall_confirmed";
    public const string FalseAlarm = "false_alarm";
    public const string DeviceIssue = "device_issue";
    public const string Other = "other";

    /// <summary>A near-fall whose wearer fell within seconds: closed by the fall's alert (or by a caregiver).</summary>
    public const string LedToFall = "led_to_fall";

    public static readonly IReadOnlyList<string> All = [FallConfirmed, NearFallConfirmed, FalseAlarm, DeviceIssue, Other, LedToFall];

    public static bool IsKnown(string? outcome) => outcome is not null && All.Contains(outcome, StringComparer.Ordinal);
}
