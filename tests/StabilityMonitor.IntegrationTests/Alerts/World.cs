using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace StabilityMonitor.IntegrationTests.Alerts;

/// <summary>
/// Two facilities built through the admin API as a real deployment would: A and B, each with a caregiver
/// (<c>carer-a</c>, <c>carer-b</c>), A with a facility admin (<c>admin-a</c>), a resident each wearing one wearable
/// (<c>a-01</c>, <c>b-01</c>). The wearables' broker passwords are kept for tests that publish.
/// </summary>
internal sealed class World
{
    public const string Password = "correct-horse-battery";

    private readonly ServerHost _server;

    private World(ServerHost server) => _server = server;

    public Guid FacilityA { get; private set; }

    public Guid FacilityB { get; private set; }

    public Guid ResidentA { get; private set; }

    public Guid ResidentB { get; private set; }

    public Dictionary<string, string> DevicePasswords { get; } = new(StringComparer.Ordinal);

    public static async Task<World> CreateAsync(ServerHost server)
    {
        var world = new World(server);
        var admin = server.Http;
        world.FacilityA = await PostIdAsync(admin, "/api/facilities", new { name = "North House" });
        world.FacilityB = await PostIdAsync(admin, "/api/facilities", new { name = "South House" });
        await PostIdAsync(admin, $"/api/facilities/{world.FacilityA}/users", new { user = "carer-a", password = Password, role = "caregiver" });
        await PostIdAsync(admin, $"/api/facilities/{world.FacilityA}/users", new { user = "admin-a", password = Password, role = "facility-admin" });
        await PostIdAsync(admin, $"/api/facilities/{world.FacilityB}/users", new { user = "carer-b", password = Password, role = "caregiver" });
        world.ResidentA = await PostIdAsync(admin, $"/api/facilities/{world.FacilityA}/residents", new { name = "Ann Archer", room = "12" });
        world.ResidentB = await PostIdAsync(admin, $"/api/facilities/{world.FacilityB}/residents", new { name = "Bob Baker", room = "7" });
        await world.AssignAsync("a-01", world.ResidentA);
        await world.AssignAsync("b-01", world.ResidentB);
        return world;
    }

    public async Task<string> AssignAsync(string deviceId, Guid residentId)
    {
        using var response = await _server.Http.PutAsJsonAsync($"/api/devices/{deviceId}", new { residentId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var mqtt = body.GetProperty("mqtt");
        Assert.Equal(deviceId, mqtt.GetProperty("username").GetString());
        var password = mqtt.GetProperty("password").GetString()!;
        DevicePasswords[deviceId] = password;
        return password;
    }

    public async Task<HttpClient> SignInAsync(string user)
    {
        var client = _server.Client();
        await ServerHost.SignInAsync(client, user, Password);
        return client;
    }

    private static async Task<Guid> PostIdAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
