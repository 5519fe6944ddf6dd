using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Alerting.Access;

/// <summary>Sign-in rules (configuration section <c>Auth</c>).</summary>
public sealed class AccessOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// Password of the global admin <c>admin</c>, created (or its password reset) at start. Required outside the demo;
    /// supply it from a secret store or environment variable (<c>Auth__AdminPassword</c>).
    /// </summary>
    public string? AdminPassword { get; set; }

    /// <summary>Failed sign-ins in a row after which the account is locked. Default 5.</summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a locked account stays locked. Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Shortest password accepted for new users. Default 8.</summary>
    [Range(6, 128)]
    public int MinPasswordLength { get; set; } = 8;

    /// <summary>How long a sign-in lasts without activity (sliding). Default 12 h, a night shift.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Require an API key (of any facility) or admin sign-in for <c>/metrics</c>. Default false (Prometheus scrapes it).</summary>
    public bool ProtectMetrics { get; set; }
}
