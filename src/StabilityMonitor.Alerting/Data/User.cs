namespace StabilityMonitor.Alerting.Data;

/// <summary>A person who signs in: a caregiver or facility admin of one facility, or a global admin (no facility).</summary>
public sealed class User
{
    public Guid Id { get; set; }

    /// <summary>Sign-in name, unique across the system.</summary>
    public required string UserName { get; set; }

    /// <summary>Null only for global admins.</summary>
    public Guid? FacilityId { get; set; }

    /// <summary>One of <see cref="Roles"/>.</summary>
    public required string Role { get; set; }

    /// <summary>ASP.NET Core Identity's <c>PasswordHasher</c> output (PBKDF2).</summary>
    public required string PasswordHash { get; set; }

    public int FailedSignIns { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
