using System.Net.Http.Json;

namespace StabilityMonitor.FirmwareSim.Scoring;

/// <summary>How to authenticate to the server's API: a user (cookie sign-in) or a facility API key; neither for a saved file.</summary>
internal sealed record ServerCredentials(string? User, string? Password, string? ApiKey)
{
    /// <summary>Signs <paramref name="http"/> in (or sets its key header); a refused sign-in is an error that says so.</summary>
    public async Task ApplyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!string.IsNullOrEmpty(ApiKey))
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
            return;
        }

        if (string.IsNullOrEmpty(User))
        {
            return;
        }

        using var response = await http.PostAsJsonAsync("api/auth/login", new { user = User, password = Password ?? string.Empty }, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"sign-in as '{User}' was refused ({(int)response.StatusCode}); check --user and --password (or STABILITY_USER / STABILITY_PASSWORD).");
        }
    }
}
