using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace StabilityMonitor.IntegrationTests.Contract;

/// <summary>
/// docs/ingestion.md ("HTTP") and the endpoint code: unknown ids are 404 problem details; page sizes beyond the
/// documented maximum are refused (events ≤ 500, alerts ≤ 200) or clamped (dead letters ≤ 1000, history ≤ 10 000);
/// bad query parameters are 400; without InfluxDB event history comes from memory and window history is 503.
/// Signed in as the global admin, who sees every facility, so a 404 means "does not exist", not "not yours".
/// </summary>
public sealed class HttpContractTests(ContractServer fixture) : IClassFixture<ContractServer>
{
    private const string Problem = "application/problem+json";

    private HttpClient Http => fixture.Server.Http;

    [Theory]
    [InlineData("/api/devices/no-such-device")]
    [InlineData("/api/alerts/no-such-alert")]
    [InlineData("/api/alerts/00000000-0000-0000-0000-000000000001")]
    [InlineData("/api/alerts/no-such-alert/audit")]
    [InlineData("/api/alerts/no-such-alert/deliveries")]
    [InlineData("/api/alerts/no-such-alert/evidence")]
    [InlineData("/api/residents/00000000-0000-0000-0000-000000000001")]
    [InlineData("/api/facilities/00000000-0000-0000-0000-000000000001/residents")]
    public async Task UnknownId_Get_Is404ProblemDetails(string path)
    {
        using var response = await Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(Problem, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UnknownAlert_AcknowledgeAndResolve_Are404()
    {
        using var ack = await Http.PostAsJsonAsync("/api/alerts/no-such-alert/acknowledge", new { note = "x" });
        using var resolve = await Http.PostAsJsonAsync("/api/alerts/no-such-alert/resolve", new { outcome = "false_alarm" });

        Assert.Equal(HttpStatusCode.NotFound, ack.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, resolve.StatusCode);
    }

    [Fact]
    public async Task Events_Paging_DefaultsPagesAndTotals()
    {
        using var all = await Http.GetFromJsonAsync<JsonDocument>("/api/events?deviceId=contract-01");
        Assert.Equal(3, all!.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(1, all.RootElement.GetProperty("page").GetInt32());
        Assert.Equal(50, all.RootElement.GetProperty("pageSize").GetInt32());
        Assert.Equal(3, all.RootElement.GetProperty("items").GetArrayLength());

        // Page 2 of size 2 holds the oldest event only (newest first).
        using var second = await Http.GetFromJsonAsync<JsonDocument>("/api/events?deviceId=contract-01&page=2&pageSize=2");
        Assert.Equal(3, second!.RootElement.GetProperty("total").GetInt32());
        var item = Assert.Single(second.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(1000, item.GetProperty("id").GetInt64());

        using var beyond = await Http.GetFromJsonAsync<JsonDocument>("/api/events?deviceId=contract-01&page=9&pageSize=2");
        Assert.Equal(0, beyond!.RootElement.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/events?pageSize=500", HttpStatusCode.OK)]
    [InlineData("/api/events?pageSize=501", HttpStatusCode.BadRequest)]
    [InlineData("/api/events?pageSize=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/events?page=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/events?page=-1", HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts?pageSize=200", HttpStatusCode.OK)]
    [InlineData("/api/alerts?pageSize=201", HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts?pageSize=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/alerts?page=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/dead-letters?max=1000000", HttpStatusCode.OK)]
    [InlineData("/api/dead-letters?max=0", HttpStatusCode.OK)]
    [InlineData("/api/history/events?limit=1000000", HttpStatusCode.OK)]
    [InlineData("/api/history/events?limit=0", HttpStatusCode.OK)]
    public async Task PageSize_AtTheLimitAccepted_BeyondItRefusedOrClampedAsDocumented(string path, HttpStatusCode expected)
    {
        using var response = await Http.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.BadRequest)
        {
            Assert.Equal(Problem, response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Events_PageSizeAtTheMaximum_IsEchoed()
    {
        using var page = await Http.GetFromJsonAsync<JsonDocument>("/api/events?pageSize=500");

        Assert.Equal(500, page!.RootElement.GetProperty("pageSize").GetInt32());
    }

    [Fact]
    public async Task HistoryEvents_LimitIsClampedToOne_NotRefused()
    {
        var from = Iso(ContractServer.NewestEvent.AddMinutes(-1));
        var to = Iso(ContractServer.NewestEvent.AddMinutes(1));

        using var one = await Http.GetFromJsonAsync<JsonDocument>($"/api/history/events?facility=default&from={from}&to={to}&limit=0");
        using var all = await Http.GetFromJsonAsync<JsonDocument>($"/api/history/events?facility=default&from={from}&to={to}&limit=1000000");

        Assert.Equal(1, one!.RootElement.GetProperty("items").GetArrayLength());
        Assert.Equal(3, all!.RootElement.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/events?kind=bogus")]
    [InlineData("/api/events?kind=3")]
    [InlineData("/api/events?kind=0")]
    [InlineData("/api/alerts?kind=bogus")]
    [InlineData("/api/alerts?state=bogus")]
    [InlineData("/api/history/events?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z")]
    [InlineData("/api/history/windows?device=contract-01&from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z")]
    [InlineData("/api/history/windows")]
    [InlineData("/api/history/windows?device=bad%20id!")]
    [InlineData("/api/history/events?facility=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task BadQueryParameter_Is400ProblemDetails(string path)
    {
        using var response = await Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Problem, response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/events?from=not-a-date")]
    [InlineData("/api/events?to=2026-13-45")]
    [InlineData("/api/events?page=abc")]
    [InlineData("/api/history/events?from=yesterday")]
    public async Task UnparsableQueryParameter_Is400(string path)
    {
        using var response = await Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("near_fall", 2)]
    [InlineData("near-fall", 2)]
    [InlineData("NearFall", 2)]
    [InlineData("fall", 1)]
    [InlineData("sway", 0)]
    [InlineData("sway_elevated", 0)]
    public async Task Events_KindSpellingsInTheDocs_AreAccepted(string kind, int expected)
    {
        using var page = await Http.GetFromJsonAsync<JsonDocument>($"/api/events?deviceId=contract-01&kind={kind}");

        Assert.Equal(expected, page!.RootElement.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Events_FromAndTo_SelectTheRange()
    {
        // from is inclusive, to exclusive (EventQuery): [newest - 1 s, newest) holds the middle event only.
        var from = Iso(ContractServer.NewestEvent.AddSeconds(-1));
        var to = Iso(ContractServer.NewestEvent);

        using var page = await Http.GetFromJsonAsync<JsonDocument>($"/api/events?deviceId=contract-01&from={from}&to={to}");

        var item = Assert.Single(page!.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(1001, item.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task History_WithoutInfluxDb_EventsComeFromMemory_WindowsAre503()
    {
        var from = Iso(ContractServer.NewestEvent.AddMinutes(-1));
        var to = Iso(ContractServer.NewestEvent.AddMinutes(1));

        using var events = await Http.GetFromJsonAsync<JsonDocument>($"/api/history/events?from={from}&to={to}");
        Assert.Equal("memory", events!.RootElement.GetProperty("source").GetString());
        Assert.Equal("default", events.RootElement.GetProperty("facility").GetString());
        var items = events.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        Assert.All(items, static i => Assert.Equal("contract-01", i.GetProperty("deviceId").GetString()));
        Assert.Equal(["near_fall", "fall", "near_fall"], items.Select(static i => i.GetProperty("kind").GetString()));
        Assert.All(items, static i => Assert.Equal(2500, i.GetProperty("decisionDelayMs").GetDouble()));

        // Outside the range: nothing.
        using var earlier = await Http.GetFromJsonAsync<JsonDocument>($"/api/history/events?from={Iso(ContractServer.NewestEvent.AddDays(-2))}&to={Iso(ContractServer.NewestEvent.AddDays(-1))}");
        Assert.Equal(0, earlier!.RootElement.GetProperty("items").GetArrayLength());

        using var windows = await Http.GetAsync($"/api/history/windows?device=contract-01&from={from}&to={to}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, windows.StatusCode);
        Assert.Equal(Problem, windows.Content.Headers.ContentType?.MediaType);
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O", CultureInfo.InvariantCulture));
}
