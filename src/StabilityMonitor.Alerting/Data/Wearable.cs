namespace StabilityMonitor.Alerting.Data;

/// <summary>A registered wearable, its current resident (if any) and its broker credential.</summary>
public sealed class Wearable
{
    /// <summary>The device id used in its MQTT topics (<c>wearables/{DeviceId}/...</c>).</summary>
    public required string DeviceId { get; set; }

    /// <summary>The resident wearing it now; null when unassigned.</summary>
    public Guid? ResidentId { get; set; }

    /// <summary>The resident's facility, kept here so that scoping a device needs no join.</summary>
    public Guid? FacilityId { get; set; }

    /// <summary>SHA-256 (hex) of the broker password; the password is random and shown once, at assignment.</summary>
    public string? CredentialHash { get; set; }

    public DateTimeOffset RegisteredAt { get; set; }
}
