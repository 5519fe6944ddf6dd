using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;

namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>Watches the server for the near-falls a load run injects: through the dashboard hub, or the event API where there is no hub.</summary>
internal abstract class NearFallProbe : IAsyncDisposable
{
    /// <summary>First near-fall per device: Stopwatch timestamp of when it was seen here, and the server's own time → seen here.</summary>
    public ConcurrentDictionary<string, (long Received, TimeSpan? ServerToReceived)> NearFalls { get; } = new(StringComparer.Ordinal);

    /// <summary>What the probe watches, for the summary: <c>hub</c> or <c>events</c>.</summary>
    public abstract string Source { get; }

    public abstract ValueTask DisposeAsync();

    /// <summary>Signs in with a cookie and returns the cookie jar.</summary>
    protected static async Task<CookieContainer> SignInAsync(Uri server, string user, string password, CancellationToken cancellationToken)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true }) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.PostAsJsonAsync("/api/auth/login", new { user, password }, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"sign-in of '{user}' at {server} failed: {(int)response.StatusCode}");
        }

        return cookies;
    }
}
