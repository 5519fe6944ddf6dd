using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.IntegrationTests;

/// <summary>A device registry for tests: the wearables given, with their broker passwords; every stream admitted.</summary>
internal sealed class TestDeviceRegistry : IDeviceRegistry
{
    private readonly ConcurrentDictionary<string, byte[]> _passwords = new(StringComparer.Ordinal);

    public TestDeviceRegistry(params (string DeviceId, string Password)[] devices)
    {
        foreach (var (id, password) in devices)
        {
            Add(id, password);
        }
    }

    public void Add(string deviceId, string password) => _passwords[deviceId] = Encoding.UTF8.GetBytes(password);

    public bool IsAdmitted(ReadOnlySpan<char> deviceId) => true;

    public bool VerifyCredentials(string deviceId, string password) =>
        _passwords.TryGetValue(deviceId, out var expected) && CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(password));

    /// <summary>Registers this registry in place of the server's (for <see cref="ServerHost.StartAsync(Action{WebApplicationBuilder}?, (string Key, string Value)[])"/>).</summary>
    public void Register(WebApplicationBuilder builder) => builder.Services.AddSingleton<IDeviceRegistry>(this);
}
