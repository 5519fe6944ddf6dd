using System.Globalization;
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

    [GeneratedRegex(@"devices online (\d+)/(\d+) \| frames/s ([0-9.]+) \| rejected \d+ \| lost \d+ \| duplicates \d+ \| events: near-fall \d+, fall \d+, sway \d+")]
    private static partial Regex SummaryLine();
}
