namespace StabilityMonitor.Alerting.Data;

/// <summary>The roles a user may have. Machines authenticate with API keys, which act as <see cref="ApiKey"/>.</summary>
public static class Roles
{
    public const string Caregiver = "caregiver";
    public const string FacilityAdmin = "facility-admin";
    public const string Admin = "admin";

    /// <summary>The role given to a request authenticated with an API key (scoped to one facility).</summary>
    public const string ApiKey = "api-key";

    /// <summary>Whether <paramref name="role"/> may be given to a user of a facility.</summary>
    public static bool IsFacilityRole(string? role) => role is Caregiver or FacilityAdmin;
}
