using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using StabilityMonitor.Alerting.Access;

namespace StabilityMonitor.Server.Api;

/// <summary><c>/api/auth</c>: sign in (cookie), sign out, who am I.</summary>
internal static class AuthEndpoints
{
    public static void MapAuthEndpoints(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth");
        auth.MapPost("/login", LoginAsync).AllowAnonymous();
        auth.MapPost("/logout", static async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.NoContent();
        }).AllowAnonymous();
        auth.MapGet("/me", static (HttpContext context) =>
        {
            var actor = context.User.ToActor();
            return Results.Ok(new { user = actor.Name, role = actor.Role, facilityId = actor.FacilityId });
        });
    }

    private static async Task<IResult> LoginAsync(LoginRequest? request, AccessService access, HttpContext context, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrEmpty(request.User) || string.IsNullOrEmpty(request.Password) || request.User.Length > 100 || request.Password.Length > 1000)
        {
            return Results.Problem("Send {\"user\": \"...\", \"password\": \"...\"}.", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed");
        }

        var result = await access.SignInAsync(request.User, request.Password, cancellationToken).ConfigureAwait(false);
        switch (result.Status)
        {
            case SignInStatus.Success:
                var user = result.User!;
                await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, StabilityClaims.For(user, CookieAuthenticationDefaults.AuthenticationScheme)).ConfigureAwait(false);
                return Results.Ok(new { user = user.UserName, role = user.Role, facilityId = user.FacilityId });
            case SignInStatus.LockedOut:
                return Results.Problem("Too many failed sign-ins: the account is locked for a while.", statusCode: StatusCodes.Status401Unauthorized, title: "Account locked");
            default:
                return Results.Problem("Unknown user or wrong password.", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed");
        }
    }
}
