using StabilityMonitor.Alerting.Data;

namespace StabilityMonitor.Alerting.Access;

/// <summary>Who is asking: a signed-in user or an API key, with the facility they are confined to (none for a global admin).</summary>
/// <param name="Name">User name, <c>api-key:{prefix}</c>, or <c>system</c>; recorded in audit trails.</param>
/// <param name="Role">One of <see cref="Roles"/>.</param>
/// <param name="FacilityId">The only facility this actor may see; null for a global admin.</param>
public sealed record Actor(string Name, string Role, Guid? FacilityId)
{
    /// <summary>The server itself (raising, escalating).</summary>
    public static readonly Actor System = new("system", Roles.Admin, null);

    public bool IsGlobalAdmin => Role == Roles.Admin && FacilityId is null;

    /// <summary>Whether this actor may see things of <paramref name="facilityId"/> (null: unassigned, global admins only).</summary>
    public bool CanSee(Guid? facilityId) => IsGlobalAdmin || (facilityId is { } f && f == FacilityId);

    /// <summary>Whether this actor may administer <paramref name="facilityId"/> (users, residents, wearables, webhooks, keys).</summary>
    public bool CanAdminister(Guid facilityId) => IsGlobalAdmin || (Role == Roles.FacilityAdmin && FacilityId == facilityId);
}
