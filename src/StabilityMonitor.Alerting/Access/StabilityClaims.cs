using System.Security.Claims;
using StabilityMonitor.Alerting.Data;

namespace StabilityMonitor.Alerting.Access;

/// <summary>
/// The claims a signed-in user or API key carries, and the <see cref="Actor"/> made from them: one rule for the API
/// and the dashboard hub.
/// </summary>
public static class StabilityClaims
{
    public const string Facility = "sm:facility";

    public static ClaimsPrincipal For(User user, string scheme) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new Claim(ClaimTypes.Name, user.UserName),
            new Claim(ClaimTypes.Role, user.Role),
            .. user.FacilityId is { } f ? [new Claim(Facility, f.ToString())] : Array.Empty<Claim>(),
        ],
        scheme));

    public static ClaimsPrincipal For(ApiKey key, string scheme) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, key.Id.ToString()),
            new Claim(ClaimTypes.Name, "api-key:" + key.Prefix),
            new Claim(ClaimTypes.Role, Roles.ApiKey),
            new Claim(Facility, key.FacilityId.ToString()),
        ],
        scheme));

    /// <summary>The actor of an authenticated principal.</summary>
    public static Actor ToActor(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity?.IsAuthenticated != true)
        {
            // Authorization keeps anonymous callers out; this is a second fence: an anonymous caller sees nothing.
            return new Actor("anonymous", Roles.Caregiver, Guid.Empty);
        }

        var facility = principal.FindFirstValue(Facility) is { } f && Guid.TryParse(f, out var id) ? id : (Guid?)null;
        var role = principal.FindFirstValue(ClaimTypes.Role) ?? Roles.Caregiver;

        // A facility-bound principal is never a global admin, whatever its role says.
        return new Actor(principal.Identity?.Name ?? "unknown", facility is null ? role : (role == Roles.Admin ? Roles.FacilityAdmin : role), facility);
    }
}
