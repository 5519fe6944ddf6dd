using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Alerting.Data;
using Microsoft.Extensions.DependencyInjection;

namespace StabilityMonitor.IntegrationTests.Alerts;

/// <summary>
/// The access rules over real HTTP (Kestrel on loopback, cookie sign-in, API keys) on a real store: nobody sees or
/// changes another facility's alerts, residents or wearables; caregivers cannot administer; anonymous is refused.
/// </summary>
public abstract class AccessApiTests<TStore>(TStore store) : IClassFixture<TStore>
    where TStore : class, IStoreSettings
{
    [Fact]
    public async Task Anonymous_ApiRefused_HealthMetricsAndOpenApiReadable()
    {
        await using var server = await StartAsync();
        using var anonymous = server.Client();
        foreach (var path in new[] { "/api/alerts", "/api/devices", "/api/events", "/api/facilities", "/api/auth/me", "/api/history/events" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path}: {(int)response.StatusCode}");
        }

        using (var wrong = await anonymous.PostAsJsonAsync("/api/auth/login", new { user = "admin", password = "nope" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/metrics")).StatusCode);
        var openApi = await anonymous.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/alerts/{id}/acknowledge", openApi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherFacility_CannotListReadAcknowledgeOrResolve_AndCaregiversCannotAdminister()
    {
        await using var server = await StartAsync();
        var world = await World.CreateAsync(server);
        var alerts = server.Services.GetRequiredService<AlertService>();
        var alertA = (await alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 1_000, AlertSeverities.High), default))!;

        // Facility B's caregiver: A's things do not exist.
        using var carerB = await world.SignInAsync("carer-b");
        Assert.Equal(0, (await carerB.GetFromJsonAsync<JsonElement>("/api/alerts")).GetProperty("total").GetInt32());
        foreach (var path in new[] { $"/api/alerts/{alertA.Id}", $"/api/alerts/{alertA.Id}/audit", $"/api/alerts/{alertA.Id}/evidence", $"/api/residents/{world.ResidentA}", $"/api/facilities/{world.FacilityA}/residents", "/api/devices/a-01/assignments", "/api/events?deviceId=a-01" })
        {
            Assert.True((await carerB.GetAsync(path)).StatusCode == HttpStatusCode.NotFound, path);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await carerB.PostAsJsonAsync($"/api/alerts/{alertA.Id}/acknowledge", new { note = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await carerB.PostAsJsonAsync($"/api/alerts/{alertA.Id}/resolve", new { outcome = "false_alarm" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await carerB.PutAsJsonAsync("/api/devices/a-01", new { residentId = world.ResidentA })).StatusCode);
        Assert.Equal(AlertStates.Open, (await alerts.GetAsync(alertA.Id, Alerting.Access.Actor.System, default))!.State);

        // Caregivers of A: no administration, even in their own facility.
        using var carerA = await world.SignInAsync("carer-a");
        Assert.Equal(HttpStatusCode.Forbidden, (await carerA.PostAsJsonAsync("/api/facilities", new { name = "C" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carerA.PostAsJsonAsync($"/api/facilities/{world.FacilityA}/users", new { user = "x", password = "long-enough-1", role = "caregiver" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carerA.PostAsJsonAsync($"/api/facilities/{world.FacilityA}/residents", new { name = "X", room = "9" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carerA.PostAsync($"/api/facilities/{world.FacilityA}/api-keys", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carerA.GetAsync("/api/dead-letters")).StatusCode);

        // A facility admin administers their own facility only.
        using var adminA = await world.SignInAsync("admin-a");
        Assert.Equal(HttpStatusCode.Created, (await adminA.PostAsJsonAsync($"/api/facilities/{world.FacilityA}/users", new { user = "carer-a2", password = "long-enough-1", role = "caregiver" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminA.PostAsJsonAsync($"/api/facilities/{world.FacilityB}/users", new { user = "carer-b2", password = "long-enough-1", role = "caregiver" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await adminA.PutAsJsonAsync("/api/devices/b-01", new { residentId = world.ResidentA })).StatusCode);

        // A's caregiver sees and acts on A's alert; the audit shows who did what.
        var page = await carerA.GetFromJsonAsync<JsonElement>("/api/alerts?state=open");
        var item = Assert.Single(page.GetProperty("items").EnumerateArray().ToList());
        Assert.Equal(alertA.Id, item.GetProperty("id").GetString());
        Assert.Equal("a-01", item.GetProperty("deviceId").GetString());
        Assert.Equal(world.ResidentA, item.GetProperty("residentId").GetGuid());
        Assert.Equal(world.FacilityA, item.GetProperty("facilityId").GetGuid());
        Assert.Equal("fall", item.GetProperty("kind").GetString());
        Assert.Equal("high", item.GetProperty("severity").GetString());
        using (var ack = await carerA.PostAsJsonAsync($"/api/alerts/{alertA.Id}/acknowledge", new { note = "going" }))
        {
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            Assert.Equal("acknowledged", (await ack.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        }

        Assert.Equal(HttpStatusCode.Conflict, (await carerA.PostAsJsonAsync($"/api/alerts/{alertA.Id}/acknowledge", new { note = "again" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await carerA.PostAsJsonAsync($"/api/alerts/{alertA.Id}/resolve", new { outcome = "shrug" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await carerA.PostAsJsonAsync($"/api/alerts/{alertA.Id}/resolve", new { outcome = "fall_confirmed", note = "helped up" })).StatusCode);
        var audit = await carerA.GetFromJsonAsync<JsonElement>($"/api/alerts/{alertA.Id}/audit");
        Assert.Equal(["raised:system", "acknowledged:carer-a", "resolved:carer-a"], audit.EnumerateArray().Select(static a => $"{a.GetProperty("action").GetString()}:{a.GetProperty("actor").GetString()}"));
        Assert.Equal(HttpStatusCode.BadRequest, (await carerA.GetAsync("/api/alerts?state=whatever")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await carerA.GetAsync("/api/alerts?pageSize=100000")).StatusCode);
    }

    [Fact]
    public async Task ApiKey_ScopedToItsFacility_UnknownKeyRefused()
    {
        await using var server = await StartAsync();
        var world = await World.CreateAsync(server);
        var alerts = server.Services.GetRequiredService<AlertService>();
        var alertA = (await alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, 5, AlertSeverities.Medium), default))!;
        var alertB = (await alerts.RaiseAsync(new AlertRaise("b-01", AlertKinds.NearFall, 5, AlertSeverities.Medium), default))!;

        using var adminA = await world.SignInAsync("admin-a");
        using var created = await adminA.PostAsync($"/api/facilities/{world.FacilityA}/api-keys", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

        using var machine = server.Client();
        machine.DefaultRequestHeaders.Add("X-Api-Key", key);
        var page = await machine.GetFromJsonAsync<JsonElement>("/api/alerts");
        Assert.Equal([alertA.Id], page.GetProperty("items").EnumerateArray().Select(static a => a.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await machine.GetAsync($"/api/alerts/{alertB.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await machine.PostAsJsonAsync($"/api/alerts/{alertB.Id}/acknowledge", new { note = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await machine.PostAsJsonAsync($"/api/alerts/{alertA.Id}/acknowledge", new { note = "nurse call" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await machine.PostAsJsonAsync($"/api/facilities/{world.FacilityA}/residents", new { name = "X" })).StatusCode);

        using var forged = server.Client();
        forged.DefaultRequestHeaders.Add("X-Api-Key", key[..^2] + "zz");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/alerts")).StatusCode);
    }

    [Fact]
    public async Task Login_RepeatedFailures_LocksTheAccount()
    {
        await using var server = await StartAsync(("Auth:MaxFailedSignIns", "3"));
        var world = await World.CreateAsync(server);
        using var client = server.Client();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/login", new { user = "carer-a", password = "wrong-password" })).StatusCode);
        }

        using var locked = await client.PostAsJsonAsync("/api/auth/login", new { user = "carer-a", password = World.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Equal("Account locked", (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/alerts")).StatusCode);

        // Another user is not affected.
        using var other = await world.SignInAsync("carer-b");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/alerts")).StatusCode);
    }

    [Fact]
    public async Task Restart_AlertsAndTheirStatesSurvive()
    {
        var settings = store.NewStore();
        using var data = new TempDirectory("sm-data-");
        (string, string)[] all = [.. settings, ("Server:DataDirectory", data.Path), .. EmbeddedBroker()];
        string id;
        await using (var server = await ServerHost.StartAsync(all))
        {
            var world = await World.CreateAsync(server);
            var alerts = server.Services.GetRequiredService<AlertService>();
            id = (await alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 77, AlertSeverities.High), default))!.Id;
            using var carer = await world.SignInAsync("carer-a");
            Assert.Equal(HttpStatusCode.OK, (await carer.PostAsJsonAsync($"/api/alerts/{id}/acknowledge", new { note = "before restart" })).StatusCode);
        }

        await using (var server = await ServerHost.StartAsync(all))
        {
            using var carer = server.Client();
            await ServerHost.SignInAsync(carer, "carer-a", World.Password);
            var alert = await carer.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}");
            Assert.Equal("acknowledged", alert.GetProperty("state").GetString());
            Assert.Equal("before restart", alert.GetProperty("acknowledgeNote").GetString());

            // The same event again (a redelivery after the restart) is the same alert, not a new one.
            Assert.Null(await server.Services.GetRequiredService<AlertService>().RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 77, AlertSeverities.High), default));
            Assert.Equal(1, (await carer.GetFromJsonAsync<JsonElement>("/api/alerts")).GetProperty("total").GetInt32());
        }
    }

    /// <summary>The server's own broker on a free port, without the demo (so Auth:AdminPassword is what signs in).</summary>
    internal static (string Key, string Value)[] EmbeddedBroker() =>
        [("Mqtt:Url", string.Empty), ("Mqtt:EmbeddedPort", ServerHost.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Demo:Enabled", "false")];

    private Task<ServerHost> StartAsync(params (string Key, string Value)[] extra) =>
        ServerHost.StartAsync([.. store.NewStore(), .. EmbeddedBroker(), .. extra]);
}

public sealed class SqliteAccessApiTests(SqliteStoreSettings store) : AccessApiTests<SqliteStoreSettings>(store);

public sealed class PostgresAccessApiTests(PostgresStoreSettings store) : AccessApiTests<PostgresStoreSettings>(store);
