using System.Globalization;
using StabilityMonitor.Mqtt;

namespace StabilityMonitor.IntegrationTests;

/// <summary>One server with the embedded broker on a free loopback port and a registry of six wearables, shared by <see cref="EmbeddedBrokerSecurityTests"/>.</summary>
public sealed class EmbeddedBrokerSecurityFixture : IAsyncLifetime
{
    public const string WorkerId = "worker-embedded-sec";
    public const string PasswordA = "dev-a-secret";
    public const string GatewayPassword = "gateway-test-secret";

    private ServerHost? _server;

    public int Port { get; } = ServerHost.FreePort();

    internal ServerHost Server => _server ?? throw new InvalidOperationException("not started");

    internal MqttConnectionSettings Anonymous => new("127.0.0.1", Port);

    /// <summary>The settings of registered wearable <paramref name="id"/> (dev-a .. dev-f; password <c>{id}-secret</c>).
    /// Each test uses its own ids: the pipeline would drop a second device's frames under a used id as duplicates.</summary>
    internal MqttConnectionSettings Device(string id) => Anonymous with { Username = id, Password = id + "-secret" };

    public async Task InitializeAsync()
    {
        var registry = new TestDeviceRegistry([.. "abcdef".Select(static c => ($"dev-{c}", $"dev-{c}-secret"))]);
        _server = await ServerHost.StartAsync(
            registry.Register,
            ("Mqtt:Url", string.Empty),
            ("Mqtt:EmbeddedPort", Port.ToString(CultureInfo.InvariantCulture)),
            ("Mqtt:ClientId", WorkerId),
            ("Mqtt:EmbeddedGatewayPassword", GatewayPassword));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
