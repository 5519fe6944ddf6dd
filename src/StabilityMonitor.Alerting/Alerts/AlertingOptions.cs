using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Alerting.Alerts;

/// <summary>Alert rules (configuration section <c>Alerts</c>). Per-facility escalation times live with the facility.</summary>
public sealed class AlertingOptions
{
    public const string SectionName = "Alerts";

    /// <summary>Escalation time of fall alerts of wearables with no facility (admitted unregistered). Default 2 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan FallEscalationAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Escalation time of other alerts of wearables with no facility. Default 15 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan NearFallEscalationAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A fall alert resolves the same wearable's unresolved near-fall alerts whose stumble came this long or less before
    /// the fall (outcome <c>led_to_fall</c>): a stumble that leads to a fall is one incident, the fall, and nobody should
    /// be left to escalate or close the stumble separately. The near-fall alert was already sent (it is raised about
    /// 2.5 s after the stumble, before the fall is known); this closes it. Default 8 s; <see cref="TimeSpan.Zero"/> turns
    /// it off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan NearFallLeadingToFallWithin { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>How often open alerts are checked for escalation. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan EscalationCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A wearable offline (will message, status, silence) for this long raises <c>device_offline</c>. Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan DeviceOfflineAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Battery level (0..1) below which <c>battery_low</c> is raised, once until it recovers by 0.05. Default 0.15.</summary>
    [Range(0.0, 1.0)]
    public double BatteryLowThreshold { get; set; } = 0.15;

    /// <summary>
    /// A wearable whose clock is further than this from the time its frames arrive raises <c>device_clock</c> (its events
    /// are stored at a corrected time, docs/storage.md), once until the clock is back within half of it. Default 1 h, as
    /// <c>Influx:MaxDeviceClockSkew</c>; <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan DeviceClockSkewAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often device health (offline time, battery, clock) is checked. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan DeviceHealthCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
