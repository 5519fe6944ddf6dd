using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using StabilityMonitor.Alerting.Access;

namespace StabilityMonitor.Server.Auth;

/// <summary>
/// People sign in with a cookie; machines send <c>X-Api-Key</c>. One policy scheme picks between them per request,
/// and an API answers 401/403 instead of redirecting to a login page.
/// </summary>
internal static class AuthHosting
{
    public const string DefaultScheme = "StabilityMonitor";
    public const string CookieName = "sm_session";

    public static IServiceCollection AddStabilityAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var lifetime = configuration.GetSection(AccessOptions.SectionName).Get<AccessOptions>()?.SessionLifetime ?? new AccessOptions().SessionLifetime;
        services.AddAuthentication(DefaultScheme)
            .AddPolicyScheme(DefaultScheme, "cookie or API key", static o =>
                o.ForwardDefaultSelector = static context => context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;

                // Strict: the cookie never rides on a request started by another site, so no CSRF token is needed.
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = lifetime;
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = static c => Status(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = static c => Status(c, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        return services;
    }

    private static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
