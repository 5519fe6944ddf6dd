namespace StabilityMonitor.Alerting.Data;

/// <summary>A machine credential scoped to one facility, sent as <c>X-Api-Key</c>. Only its hash is kept.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }

    public Guid FacilityId { get; set; }

    /// <summary>SHA-256 (hex) of the key; keys are 32 random bytes, so a fast hash is enough.</summary>
    public required string KeyHash { get; set; }

    /// <summary>The first characters of the key, to tell keys apart in lists.</summary>
    public required string Prefix { get; set; }

    public string? Name { get; set; }

    public string? CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
