using System.Collections.Concurrent;

namespace StabilityMonitor.Server.Demo;

/// <summary>The broker passwords issued to the simulated wearables at seeding, for the ward to connect with.</summary>
internal sealed class WardCredentials
{
    private readonly ConcurrentDictionary<string, string> _passwords = new(StringComparer.Ordinal);

    public void Set(string deviceId, string password) => _passwords[deviceId] = password;

    public string? For(string deviceId) => _passwords.TryGetValue(deviceId, out var password) ? password : null;
}
