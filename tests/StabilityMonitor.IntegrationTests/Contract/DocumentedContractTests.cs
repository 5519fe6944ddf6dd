using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StabilityMonitor.IntegrationTests.Alerts;

namespace StabilityMonitor.IntegrationTests.Contract;

/// <summary>
/// HTTP claims of docs/alerts.md ("Access", "API"), docs/dashboard.md ("Page") and docs/balance.md ("Progress report
/// and CSV", options) that no other test asserted (docs/testing.md): what is readable anonymously, the session
/// cookie, a webhook secret's length, the report's content security policy and the CSV's line ends, a finished
/// balance test's bounds, the `Balance` options validated at start.
/// </summary>
public sealed class DocumentedContractTests
{
    [Fact]
    public async Task Anonymous_ReadyzAndThePage_Readable_PageRevalidated_SessionCookieHttpOnlyStrict_LogoutEndsIt()
    {
        await using var server = await ServerHost.StartAsync([.. new SqliteStoreSettings().NewStore(), .. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker()]);
        await World.CreateAsync(server);
        using var anonymous = server.Client();

        // "/healthz, /readyz, /metrics and the OpenAPI document stay readable without" credentials.
        using (var ready = await anonymous.GetAsync("/readyz"))
        {
            Assert.True(ready.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"/readyz: {(int)ready.StatusCode}");
        }

        // "/, /app.js and /app.css are public ... with Cache-Control: no-cache".
        foreach (var path in new[] { "/", "/app.js", "/app.css" })
        {
            using var file = await anonymous.GetAsync(path);
            Assert.True(file.StatusCode == HttpStatusCode.OK, $"{path}: {(int)file.StatusCode}");
            Assert.True(file.Headers.CacheControl?.NoCache == true, $"{path}: Cache-Control {file.Headers.CacheControl}");
        }

        // "an HTTP-only, SameSite=Strict cookie (sm_session ...)".
        using (var raw = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = server.BaseAddress })
        using (var login = await raw.PostAsJsonAsync("/api/auth/login", new { user = "carer-a", password = World.Password }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), static c => c.StartsWith("sm_session=", StringComparison.Ordinal));
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        }

        // "POST /api/auth/logout; GET /api/auth/me".
        using var carer = server.Client();
        await ServerHost.SignInAsync(carer, "carer-a", World.Password);
        var me = await carer.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal(("carer-a", "caregiver"), (me.GetProperty("user").GetString(), me.GetProperty("role").GetString()));
        Assert.True((await carer.PostAsync("/api/auth/logout", null)).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await carer.GetAsync("/api/auth/me")).StatusCode);
        Assert.Empty(server.Logs.Errors);
    }

    [Fact]
    public async Task WebhookSecretOf16To200Characters_ReportWithNoneDefaultPolicy_CsvWithCrlf_FinishedTestAtMost300sAndPast()
    {
        await using var server = await ServerHost.StartAsync([.. new SqliteStoreSettings().NewStore(), .. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker()]);
        var world = await World.CreateAsync(server);
        using var admin = await world.SignInAsync("admin-a");

        // "secret 16..200 characters".
        var hooks = $"/api/facilities/{world.FacilityA}/webhooks";
        foreach (var (length, expected) in new[] { (15, HttpStatusCode.BadRequest), (201, HttpStatusCode.BadRequest), (16, HttpStatusCode.Created), (200, HttpStatusCode.Created) })
        {
            using var response = await admin.PostAsJsonAsync(hooks, new { url = "http://127.0.0.1:9/hook", secret = new string('s', length) });
            Assert.True(response.StatusCode == expected, $"a secret of {length}: {(int)response.StatusCode}");
        }

        // The report: "served with a default-src 'none' content security policy"; the CSV: "CRLF".
        using var carer = await world.SignInAsync("carer-a");
        using (var report = await carer.GetAsync($"/api/residents/{world.ResidentA}/progress/report"))
        {
            Assert.Equal(HttpStatusCode.OK, report.StatusCode);
            var policy = string.Join(";", report.Headers.GetValues("Content-Security-Policy"));
            Assert.StartsWith("default-src 'none'", policy, StringComparison.Ordinal);
        }

        var csv = await carer.GetStringAsync($"/api/residents/{world.ResidentA}/progress.csv");
        Assert.Contains("\r\n", csv, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', csv.Replace("\r\n", string.Empty, StringComparison.Ordinal));

        // A finished test: "at most MaxTestSeconds" (300) long, "end not in the future" (a minute of clock difference is
        // allowed). 300 s passes the length check (then 422: the wearable was never heard); 301 s and an end 5 min ahead
        // are refused outright.
        var tests = $"/api/residents/{world.ResidentA}/balance-tests";
        var end = DateTimeOffset.UtcNow.AddSeconds(-1);
        using (var longest = await carer.PostAsJsonAsync(tests, new { test = "quiet_stance", start = end.AddSeconds(-300), end }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, longest.StatusCode);
        }

        using (var tooLong = await carer.PostAsJsonAsync(tests, new { test = "quiet_stance", start = end.AddSeconds(-301), end }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
            Assert.Contains("MaxTestSeconds", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var future = await carer.PostAsJsonAsync(tests, new { test = "quiet_stance", start = end.AddMinutes(4), end = end.AddMinutes(5) }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
            Assert.Contains("future", await future.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(server.Logs.Errors);
    }

    [Theory]
    [InlineData("Balance:MaxDevices", "0")]
    [InlineData("Balance:DeviceIdleTimeout", "00:00:00")]
    [InlineData("Balance:LedgerDays", "3")]
    [InlineData("Balance:MaxTestSeconds", "5")]
    public async Task BalanceOption_Invalid_ServerRefusesToStart_NamingIt(string key, string value)
    {
        using var journal = new TempDirectory("sm-journal-");
        using var data = new TempDirectory("sm-data-");
        var thrown = await Record.ExceptionAsync(async () =>
        {
            var server = await ServerHost.StartAsync([.. new SqliteStoreSettings().NewStore(), .. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(), ("Influx:JournalDirectory", journal.Path), ("Server:DataDirectory", data.Path), (key, value)]);
            await server.DisposeAsync();
        });

        var validation = Find(thrown);
        Assert.True(validation is not null, $"{key}={value}: expected an OptionsValidationException, got {thrown}");
        Assert.Contains(key, validation.Message, StringComparison.Ordinal);
    }

    private static OptionsValidationException? Find(Exception? e) => e switch
    {
        null => null,
        OptionsValidationException v => v,
        AggregateException a => a.InnerExceptions.Select(Find).FirstOrDefault(static v => v is not null),
        _ => Find(e.InnerException),
    };
}
