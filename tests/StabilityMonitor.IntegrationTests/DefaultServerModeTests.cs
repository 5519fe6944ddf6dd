using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using StabilityMonitor.IntegrationTests.Faults;
using StabilityMonitor.TestServers;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests;

/// <summary>
/// The server as the README's main command runs it (embedded broker, simulated ward, console summary), which every other
/// test turns off: a child process with only the ports, the data folder and the admin password chosen by the test.
/// </summary>
public sealed partial class DefaultServerModeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task DefaultMode_SimulatedWardOnTheEmbeddedBroker_IsProcessedAndSummarisedOnTheConsole()
    {
        var mqttPort = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        await using var server = new ServerProcess(
            output,
            ("Ward:Enabled", "true"),
            ("Server:SummaryInterval", "00:00:02"),
            ("Mqtt:EmbeddedPort", mqttPort));
        await server.StartAsync();

        // README: it prints the demo caregiver's login (read now, before summary lines push it out of the kept log).
        var login = Match.Empty;
        await Poll.UntilAsync(() => (login = DemoLogin().Match(server.Log)).Success, s_timeout, () => $"no demo login line:\n{server.Log}");

        // The summary line appears every interval; once the six wearers are online their frames flow.
        await Poll.UntilAsync(
            () => Summaries(server.Log).Any(static s => s.Online == 6 && s.Known == 6 && s.FramesPerSecond > 0),
            s_timeout,
            () => server.Log);

        Assert.Contains("StabilityMonitor listening on " + server.BaseAddress.ToString().TrimEnd('/'), server.Log, StringComparison.Ordinal);
        var metrics = await server.MetricsAsync();
        Assert.Equal(6, metrics.Value("stability_devices_online"));
        Assert.Equal(1, metrics.Value("stability_mqtt_connected"));
        Assert.True(metrics.Value("stability_frames_total") > 0);
        Assert.Equal(0, metrics.Sum("stability_frames_rejected_total"));

        // README: within a minute or so a simulated stumble becomes an alert the demo caregiver sees with that login (the
        // ward's first wearer stumbles on its second walk).
        Assert.Equal("Demo", login.Groups[2].Value);
        using var demo = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), UseCookies = true }) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await ServerHost.SignInAsync(demo, "demo", login.Groups[1].Value);
        var kinds = new List<string>();
        await Poll.UntilAsync(
            async () =>
            {
                var page = await demo.GetFromJsonAsync<JsonElement>("/api/alerts");
                kinds = [.. page.GetProperty("items").EnumerateArray().Select(static a => a.GetProperty("kind").GetString()!)];
                return kinds.Contains("near_fall");
            },
            TimeSpan.FromSeconds(150),
            () => $"no near_fall alert for the demo caregiver (alerts: {string.Join(", ", kinds)})\n{server.Log}");
    }

    private static IEnumerable<(int Online, int Known, double FramesPerSecond)> Summaries(string log)
    {
        foreach (Match m in SummaryLine().Matches(log))
        {
            yield return (
                int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"Demo login: user 'demo', password '([^']+)' \(facility '([^']+)'\)")]
    private static partial Regex DemoLogin();

    [GeneratedRegex(@"devices online (\d+)/(\d+) \| frames/s ([0-9.]+) \| rejected \d+ \| lost \d+ \| duplicates \d+ \| events: near-fall \d+, fall \d+, sway \d+")]
    private static partial Regex SummaryLine();
}
