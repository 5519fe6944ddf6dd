using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using StabilityMonitor.IntegrationTests;
using StabilityMonitor.IntegrationTests.Alerts;
using StabilityMonitor.IntegrationTests.Faults;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StabilityMonitor.Dashboard.BrowserTests;

/// <summary>
/// The caregiver page in headless Chromium against the real server (embedded broker, SQLite store): sign-in, tiles,
/// a near-fall from an assigned wearable arriving live, acknowledged and resolved by the buttons and seen by another
/// caregiver as it happens, never seen by another facility; recovery after a server restart; axe-core.
/// </summary>
public sealed class DashboardPageTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Ward_NearFallFromAssignedWearable_ArrivesLiveForTheFacilityOnlyAndIsHandledByTheButtons()
    {
        await using var server = await ServerHost.StartAsync(EmbeddedBroker(ServerHost.FreePort()));
        var world = await World.CreateAsync(server);
        await AddCaregiverAsync(server, world.FacilityA, "carer-a2");
        using (var resident = await server.Http.PostAsJsonAsync($"/api/facilities/{world.FacilityA}/residents", new { name = "Clara Cole", room = "14" }))
        {
            Assert.Equal(HttpStatusCode.Created, resident.StatusCode);
        }

        await using var carer = await browser.OpenAsync(server.BaseAddress);
        Assert.Empty(await carer.SeriousAccessibilityViolationsAsync());
        await carer.SignInAsync("carer-a", World.Password);
        await using var colleague = await browser.OpenAsync(server.BaseAddress, 800, 1280);
        await colleague.SignInAsync("carer-a2", World.Password);
        await using var other = await browser.OpenAsync(server.BaseAddress, 390, 844);
        await other.SignInAsync("carer-b", World.Password);

        // Tiles: each facility sees its own resident only.
        await Expect(carer.Tile(world.ResidentA)).ToContainTextAsync("Ann Archer");
        await Expect(carer.Tile(world.ResidentA)).ToContainTextAsync("Room 12");
        await Expect(other.Tile(world.ResidentB)).ToContainTextAsync("Bob Baker");
        await Expect(other.Tile(world.ResidentA)).ToHaveCountAsync(0);
        await Expect(carer.Tile(world.ResidentB)).ToHaveCountAsync(0);
        await Expect(carer.Page.Locator("[data-resident-id]")).ToHaveCountAsync(2);
        Assert.Empty(await carer.SeriousAccessibilityViolationsAsync());

        // A near-fall through the broker, published with the wearable's own credentials.
        var seen = carer.Page.WaitForSelectorAsync("[data-alert-state='open']", new() { Timeout = (float)s_timeout.TotalMilliseconds })
            .ContinueWith(static _ => DateTimeOffset.UtcNow, TaskScheduler.Default);
        await PublishStumbleAsync(server, world, seed: 11);
        var seenAt = await seen;
        var alert = await SingleAlertAsync(server, "carer-a", "near_fall");
        var alertId = alert.GetProperty("id").GetString()!;
        var raisedAt = alert.GetProperty("raisedAt").GetDateTimeOffset();
        output.WriteLine($"near-fall {alertId} raised {raisedAt:HH:mm:ss.fff}, on the page {(seenAt - raisedAt).TotalMilliseconds:0} ms later");
        Assert.True(seenAt - raisedAt < TimeSpan.FromSeconds(5), $"the alert showed {(seenAt - raisedAt).TotalSeconds:0.0} s after it was raised");
        await Expect(carer.Alert(alertId)).ToHaveAttributeAsync("data-alert-state", "open");
        await Expect(colleague.Alert(alertId)).ToHaveAttributeAsync("data-alert-state", "open");
        await Expect(carer.Tile(world.ResidentA)).ToHaveAttributeAsync("data-state", "alarm");
        await Expect(carer.Tile(world.ResidentA).Locator(".badge")).ToHaveTextAsync("1 open");
        await Expect(carer.Page).ToHaveTitleAsync("(1) StabilityMonitor");

        // The new alert beeps (a near-fall: two tones) on the pages that show it, after the sign-in click allowed sound.
        await carer.Page.WaitForFunctionAsync("() => window.__oscillatorsStarted >= 2");
        await colleague.Page.WaitForFunctionAsync("() => window.__oscillatorsStarted >= 2");
        Assert.Equal(2, await carer.OscillatorsStartedAsync());
        Assert.Equal(0, await other.OscillatorsStartedAsync());

        // Layout: two columns on the 1280 px tablet, one below 900 px (the 800 px portrait tablet, the phone); every
        // control shown at least 44 px each way, the alert's buttons included.
        Assert.True(await carer.TwoColumnsAsync(), "two columns expected at 1280 px");
        Assert.False(await colleague.TwoColumnsAsync(), "one column expected at 800 px");
        Assert.False(await other.TwoColumnsAsync(), "one column expected at 390 px");
        Assert.Empty(await carer.SmallTouchTargetsAsync());
        Assert.Empty(await colleague.SmallTouchTargetsAsync());
        Assert.Empty(await other.SmallTouchTargetsAsync());

        // Acknowledged on one page: the other caregiver's page follows live; the other facility never hears of it.
        await carer.Button(carer.Alert(alertId), "Acknowledge").ClickAsync();
        await Expect(carer.Alert(alertId)).ToHaveAttributeAsync("data-alert-state", "acknowledged");
        await Expect(colleague.Alert(alertId)).ToHaveAttributeAsync("data-alert-state", "acknowledged");
        await Expect(carer.Page).ToHaveTitleAsync("StabilityMonitor");
        await Expect(other.Alerts).ToHaveCountAsync(0);
        await Expect(other.Tile(world.ResidentA)).ToHaveCountAsync(0);
        Assert.Empty(await carer.SeriousAccessibilityViolationsAsync());
        await carer.Page.ScreenshotAsync(new() { Path = Path.Combine(browser.Artifacts, "ward.png"), FullPage = true });
        await other.Page.ScreenshotAsync(new() { Path = Path.Combine(browser.Artifacts, "ward-phone-other-facility.png"), FullPage = true });

        // Opened: the evidence trace as a chart (attached once the stream passed the event).
        await Poll.UntilAsync(async () => (await server.Http.GetAsync($"/api/alerts/{alertId}/evidence")).StatusCode == HttpStatusCode.OK, s_timeout, () => "no evidence attached");
        await carer.Alert(alertId).Locator(".alert-open").ClickAsync();
        var dialog = carer.Page.Locator("#alert-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.Locator("#evidence-chart canvas")).ToBeVisibleAsync();
        await Expect(dialog.Locator("#evidence-status")).ToContainTextAsync("samples at 25 Hz");
        await carer.Page.ScreenshotAsync(new() { Path = Path.Combine(browser.Artifacts, "alert-evidence.png") });
        Assert.Empty(await carer.SmallTouchTargetsAsync());

        // Escape closes a dialog.
        await carer.Page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();

        // Resolved by the colleague with an outcome: the first page follows.
        var resolveDialog = colleague.Page.Locator("#resolve-dialog");
        await colleague.Button(colleague.Alert(alertId), "Resolve").ClickAsync();
        await Expect(resolveDialog).ToBeVisibleAsync();
        Assert.Empty(await colleague.SmallTouchTargetsAsync());
        await colleague.Page.Keyboard.PressAsync("Escape");
        await Expect(resolveDialog).ToBeHiddenAsync();
        await Expect(colleague.Alert(alertId)).ToHaveAttributeAsync("data-alert-state", "acknowledged");
        await colleague.Button(colleague.Alert(alertId), "Resolve").ClickAsync();
        await colleague.Page.GetByLabel("Outcome").SelectOptionAsync("false_alarm");
        await colleague.Button(colleague.Page.Locator("#resolve-dialog"), "Resolve alert").ClickAsync();
        await Expect(carer.Alert(alertId)).ToHaveAttributeAsync("data-alert-state", "resolved");
        await Expect(carer.Tile(world.ResidentA).Locator(".badge")).ToHaveTextAsync("0 open");
        Assert.Equal("false_alarm", (await SingleAlertAsync(server, "carer-a", "near_fall")).GetProperty("outcome").GetString());

        // The resident's history: events from the pipeline's memory; sway windows need InfluxDB, which this server lacks (503).
        await carer.Button(carer.Tile(world.ResidentA), "Ann Archer").ClickAsync();
        await Expect(carer.Page.GetByRole(AriaRole.Heading, new() { Name = "Ann Archer", Exact = true })).ToBeVisibleAsync();
        await Expect(carer.Page.Locator("#events-status")).ToContainTextAsync("event");
        await Expect(carer.Page.Locator("#windows-status")).ToContainTextAsync("503");
        await carer.Button(carer.Page.Locator("[role=group]"), "Week").ClickAsync();
        await Expect(carer.Page.Locator("#windows-status")).ToContainTextAsync("503");
        await carer.Page.ScreenshotAsync(new() { Path = Path.Combine(browser.Artifacts, "resident.png"), FullPage = true });
        await carer.Button(carer.Page.Locator("#resident-view"), "Back to ward").ClickAsync();
        await Expect(carer.Tile(world.ResidentA)).ToBeVisibleAsync();

        // "Sign out": back to the sign-in form, and the session is over on the server too.
        await carer.Button(carer.Page.Locator("header"), "Sign out").ClickAsync();
        await Expect(carer.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
        await Expect(carer.Page.Locator("#login-error")).ToHaveTextAsync("You are signed out.");
        await Expect(carer.Tile(world.ResidentA)).ToBeHiddenAsync();
        Assert.Equal(401, (await carer.Page.APIRequest.GetAsync("/api/auth/me")).Status);
        Assert.Empty(server.Logs.Errors);
    }

    [Fact]
    public async Task Page_ServerRestartsOnTheSamePortAndData_ReconnectsAndShowsNewAlerts()
    {
        using var data = new TempDirectory("sm-browser-data-");
        var port = ServerHost.FreePort();
        var broker = ServerHost.FreePort();
        (string, string)[] settings = [.. EmbeddedBroker(broker), ("urls", $"http://127.0.0.1:{port}"), ("Server:DataDirectory", data.Path)];

        var server = await ServerHost.StartAsync(settings);
        World world;
        CaregiverPage carer;
        try
        {
            world = await World.CreateAsync(server);
            carer = await browser.OpenAsync(server.BaseAddress);
            await carer.SignInAsync("carer-a", World.Password);
            await Expect(carer.Tile(world.ResidentA)).ToBeVisibleAsync();
        }
        finally
        {
            await server.DisposeAsync();
        }

        await using (carer)
        {
            await Expect(carer.Connection).Not.ToHaveTextAsync("Connected");
            await using (server = await ServerHost.StartAsync(settings))
            {
                // The sign-in cookie survives (keys in the data folder); the page reconnects and syncs by itself.
                await Expect(carer.Connection).ToHaveTextAsync("Connected", new() { Timeout = 30_000 });
                await Expect(carer.Tile(world.ResidentA)).ToBeVisibleAsync();
                await PublishStumbleAsync(server, world, seed: 12);
                await Expect(carer.Page.Locator("[data-alert-state='open']")).ToHaveCountAsync(1, new() { Timeout = (float)s_timeout.TotalMilliseconds });
                await Expect(carer.Tile(world.ResidentA)).ToHaveAttributeAsync("data-state", "alarm");
                Assert.Empty(server.Logs.Errors);

                // The session then ends (its cookie gone, as when it expired) while the page is connected.
                await carer.Page.Context.ClearCookiesAsync();
            }

            // The next server refuses the page's reconnection (401) and /api/auth/me says 401: back to the sign-in form.
            await using (server = await ServerHost.StartAsync(settings))
            {
                await Expect(carer.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
                await Expect(carer.Page.Locator("#login-error")).ToHaveTextAsync("Your session has ended. Please sign in again.");
                await Expect(carer.Tile(world.ResidentA)).ToBeHiddenAsync();
            }
        }
    }

    /// <summary>
    /// docs/dashboard.md: a tile's sparkline shows the snapshot's <c>sway</c> (the last <c>Dashboard:SwayHistory</c>
    /// values, oldest first), then each live <c>metrics</c> window. The values are the wearable's own sway windows as the
    /// pipeline produced them, √(AP² + ML²) in mg.
    /// </summary>
    [Fact]
    public async Task Tile_WearablesSwayWindows_SparklineDrawsTheSnapshotsHistoryThenEachLiveWindow()
    {
        const int History = 4;
        await using var server = await ServerHost.StartAsync([.. EmbeddedBroker(ServerHost.FreePort()), ("Dashboard:SwayHistory", History.ToString(CultureInfo.InvariantCulture))]);
        var world = await World.CreateAsync(server);
        var windows = new ConcurrentQueue<double>();
        var frames = 0;
        using var windowed = server.Pipeline.Windows.Subscribe(w =>
        {
            if (w.DeviceId == "a-01")
            {
                windows.Enqueue(Math.Sqrt((w.Metrics.RmsAp * (double)w.Metrics.RmsAp) + (w.Metrics.RmsMl * (double)w.Metrics.RmsMl)) * 1000 / 9.80665);
            }
        });
        using var processed = server.Pipeline.Frames.Subscribe(f =>
        {
            if (f.DeviceId == "a-01")
            {
                Interlocked.Increment(ref frames);
            }
        });

        // 30 s (half-second frames) with a walk amid standing: sway windows of 10 s every 5 s, more than the snapshot
        // keeps, of quite different sizes.
        var port = server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port;
        var credentials = new MqttConnectionSettings("127.0.0.1", port, Username: "a-01", Password: world.DevicePasswords["a-01"]);
        await using var device = new Device("a-01", credentials, new MotionScript().Stand(10).Walk(8).Stand(42), seed: 13);
        using var cts = new CancellationTokenSource(s_timeout);
        await device.PublishAsync(60, TimeSpan.Zero, cts.Token);
        await Poll.UntilAsync(() => Volatile.Read(ref frames) == 60, s_timeout, () => $"{frames} of 60 frames processed");
        var before = windows.ToArray();
        Assert.True(before.Length > History, $"{before.Length} sway windows");

        // Each window was sent to the facility's dashboards or replaced by a newer one before the page connects, so the
        // page's first values are the snapshot's alone.
        var (sent, coalesced) = (0.0, 0.0);
        await Poll.UntilAsync(
            async () =>
            {
                var text = PrometheusText.Parse(await server.Http.GetStringAsync("/metrics"));
                (sent, coalesced) = (text.Value("stability_dashboard_messages_total{kind=\"metrics\"}") ?? 0, text.Value("stability_dashboard_coalesced_total") ?? 0);
                return sent + coalesced == before.Length;
            },
            s_timeout,
            () => $"{before.Length} sway windows, {sent} sent to the dashboards and {coalesced} coalesced");

        await using var carer = await browser.OpenAsync(server.BaseAddress);
        await carer.SignInAsync("carer-a", World.Password);
        var snapshot = before[^History..];
        var drawn = await SparklineOfAsync(carer, world.ResidentA, History);
        output.WriteLine($"windows {string.Join(", ", before.Select(static v => v.ToString("0.00", CultureInfo.InvariantCulture)))} mg; drawn {drawn}");
        drawn.AssertDraws(snapshot);
        await Expect(carer.Tile(world.ResidentA).Locator(".sway-value")).ToHaveTextAsync(string.Create(CultureInfo.InvariantCulture, $"Sway {snapshot[^1]:0.0} mg"));

        // Five more seconds: one more window, sent live, appended to the line (the page keeps more than the snapshot).
        await device.PublishAsync(10, TimeSpan.Zero, cts.Token);
        await Poll.UntilAsync(() => Volatile.Read(ref frames) == 70, s_timeout, () => $"{frames} of 70 frames processed");
        var live = windows.ToArray()[before.Length..];
        Assert.True(live.Length == 1, $"{live.Length} windows from 5 s of frames");
        var after = await SparklineOfAsync(carer, world.ResidentA, History + 1);
        output.WriteLine($"live window {live[0]:0.00} mg; drawn {after}");
        after.AssertDraws([.. snapshot, live[0]]);
        await Expect(carer.Tile(world.ResidentA).Locator(".sway-value")).ToHaveTextAsync(string.Create(CultureInfo.InvariantCulture, $"Sway {live[0]:0.0} mg"));
        Assert.Empty(server.Logs.Errors);
    }

    /// <summary>The tile's sparkline once it has <paramref name="points"/> points.</summary>
    private static async Task<Sparkline> SparklineOfAsync(CaregiverPage page, Guid resident, int points)
    {
        Sparkline? line = null;
        await Poll.UntilAsync(async () => (line = await page.SparklineAsync(resident)).Points.Count == points, s_timeout, () => $"sparkline {line}, expected {points} points");
        return line!;
    }

    /// <summary>The server's own broker on <paramref name="port"/>, without the demo ward.</summary>
    private static (string Key, string Value)[] EmbeddedBroker(int port) =>
        [("Store:Provider", "sqlite"), ("Mqtt:Url", string.Empty), ("Mqtt:EmbeddedPort", port.ToString(CultureInfo.InvariantCulture)), ("Demo:Enabled", "false")];

    private static async Task AddCaregiverAsync(ServerHost server, Guid facility, string user)
    {
        using var response = await server.Http.PostAsJsonAsync($"/api/facilities/{facility}/users", new { user, password = World.Password, role = "caregiver" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task PublishStumbleAsync(ServerHost server, World world, int seed)
    {
        var port = server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port;
        var credentials = new MqttConnectionSettings("127.0.0.1", port, Username: "a-01", Password: world.DevicePasswords["a-01"]);
        var script = new MotionScript().Stand(4).Walk(8).Stumble().Walk(6);
        await using var device = new Device("a-01", credentials, script, seed);
        using var cts = new CancellationTokenSource(s_timeout);
        await device.PublishScriptAsync(script, TimeSpan.Zero, cts.Token);
    }

    private static async Task<JsonElement> SingleAlertAsync(ServerHost server, string user, string kind)
    {
        using var client = server.Client();
        await ServerHost.SignInAsync(client, user, World.Password);
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/alerts?kind={kind}");
        return Assert.Single(page.GetProperty("items").EnumerateArray());
    }
}
