using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StabilityMonitor.Server;

namespace StabilityMonitor.IntegrationTests.Contract;

/// <summary>
/// WardOptions.Enabled: unset means the simulated ward runs with the embedded broker and not with an external one
/// (README, "Live server"). Every other test forces <c>Ward:Enabled=false</c>; here it is unset again (an empty value).
/// </summary>
public sealed class DefaultModeTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WardUnset_WithTheEmbeddedBroker_TheSimulatedWardRunsAndItsSixWearablesAreSeen()
    {
        await using var server = await ServerHost.StartAsync([("Store:Provider", "sqlite"), .. Alerts.AccessApiTests<Alerts.SqliteStoreSettings>.EmbeddedBroker(), ("Ward:Enabled", string.Empty)]);

        Assert.Single(server.Services.GetServices<IHostedService>().OfType<SimulatedWardService>());
        string[] expected = ["ward-01", "ward-02", "ward-03", "ward-04", "ward-05", "ward-06"];
        string[] seen = [];
        await Poll.UntilAsync(
            async () =>
            {
                var devices = await server.Http.GetFromJsonAsync<JsonElement>("/api/devices");
                seen = [.. devices.EnumerateArray().Where(static d => d.GetProperty("online").GetBoolean()).Select(static d => d.GetProperty("deviceId").GetString()!).Order(StringComparer.Ordinal)];
                return seen.SequenceEqual(expected);
            },
            s_timeout,
            () => $"online: {string.Join(", ", seen)}; logs:\n{server.Logs.Dump()}");
    }

    [Fact]
    public async Task WardUnset_WithAnExternalBroker_NoSimulatedWard()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var server = await ServerHost.StartAsync(("Store:Provider", "sqlite"), ("Mqtt:Url", broker.Url), ("Mqtt:ClientId", "worker-default-mode"), ("Ward:Enabled", string.Empty));

        Assert.Empty(server.Services.GetServices<IHostedService>().OfType<SimulatedWardService>());
    }
}
