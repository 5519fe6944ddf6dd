using System.Security.Claims;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Data;

namespace StabilityMonitor.Dashboard.Hub;

/// <summary>
/// The <see cref="Actor"/> of a hub connection's user. Same rules as the server's claims (Name, Role, <c>sm:facility</c>);
/// a copy because this adapter must not reference the host.
/// </summary>
internal static class DashboardActor
{
    public const string FacilityClaim = "sm:facility";

    public static Actor From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            // [Authorize] keeps anonymous callers out; this is a second fence: an anonymous user sees nothing.
            return new Actor("anonymous", Roles.Caregiver, Guid.Empty);
        }

        var facility = principal.FindFirstValue(FacilityClaim) is { } f && Guid.TryParse(f, out var id) ? id : (Guid?)null;
        var role = principal.FindFirstValue(ClaimTypes.Role) ?? Roles.Caregiver;

        // A facility-bound principal is never a global admin, whatever its role says.
        return new Actor(principal.Identity.Name ?? "unknown", facility is null ? role : (role == Roles.Admin ? Roles.FacilityAdmin : role), facility);
    }
}
