using System.Net;
using System.Net.Http.Json;

namespace StabilityMonitor.IntegrationTests.Alerts;

/// <summary>Start-up rules: no default secret outside the demo; the demo seeds what a newcomer needs; metrics can be protected.</summary>
public sealed class BootstrapTests
{
    [Fact]
    public async Task ExternalBroker_WithoutAdminPassword_RefusesToStartWithAClearMessage()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ServerHost.StartAsync(("Mqtt:Url", "mqtt://127.0.0.1:1"), ("Auth:AdminPassword", string.Empty)));
        Assert.Contains("Auth:AdminPassword is required", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_SeedsFacilityResidentsWearablesAndCaregiver_WithThePasswordGiven()
    {
        await using var server = await ServerHost.StartAsync(("Mqtt:Url", string.Empty), ("Mqtt:EmbeddedPort", ServerHost.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Demo:Password", "demo-password-1"), ("Ward:Devices", "4"));
        using var demo = server.Client();
        await ServerHost.SignInAsync(demo, "demo", "demo-password-1");
        var facilities = await demo.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/facilities");
        var facility = Assert.Single(facilities.EnumerateArray().ToList());
        Assert.Equal("Demo", facility.GetProperty("name").GetString());
        var residents = await demo.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/facilities/{facility.GetProperty("id").GetGuid()}/residents");
        Assert.Equal(["ward-01", "ward-02", "ward-03", "ward-04"], residents.EnumerateArray().SelectMany(static r => r.GetProperty("devices").EnumerateArray().Select(static d => d.GetString())).Order());
        Assert.Equal(HttpStatusCode.Forbidden, (await demo.PostAsJsonAsync("/api/facilities", new { name = "X" })).StatusCode);
    }

    [Fact]
    public async Task ProtectMetrics_On_MetricsNeedsAKeyOrSignIn()
    {
        await using var server = await ServerHost.StartAsync([.. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(), ("Auth:ProtectMetrics", "true")]);
        using var anonymous = server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
    }
}
