using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using StabilityMonitor.FirmwareSim.Load;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>
/// <c>firmware-sim hub-watch --server URL [--expect K] [--timeout TIME]</c>: the near-fall probe of <c>load</c> in a
/// process of its own, as a caregiver's browser is, so that a busy generator does not delay what it sees.
/// </summary>
internal static class HubWatchCommand
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "Server whose dashboard hub reports the near-falls (http://127.0.0.1:5080).", HelpName = "URL", Required = true };
        var user = new Option<string>("--server-user") { Description = "Dashboard user. Default admin.", HelpName = "NAME", DefaultValueFactory = static _ => "admin" };
        var password = new Option<string?>("--server-password") { Description = "Dashboard password. Default: $LOAD_SERVER_PASSWORD.", HelpName = "SECRET" };
        var expect = LoadOptions.Positive("--expect", "Stop once this many wearables' near-falls were seen. Default 20.", 20, 1_000_000);
        var timeout = LoadOptions.Duration("--timeout", "Stop after this long in any case. Default 10m.", "10m");
        var command = new Command(
            "hub-watch",
            "Signs in, listens on the dashboard hub and prints, for each wearable's first near-fall alert, when it arrived (Stopwatch ticks, "
            + "comparable with load's near_falls_sent) and the server's processed → here (JSON). Prints {\"ready\":true} to standard error once listening.")
        {
            server, user, password, expect, timeout,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            DurationText.TryParse(parseResult.GetValue(timeout), out var seconds);
            var secret = parseResult.GetValue(password) ?? Environment.GetEnvironmentVariable("LOAD_SERVER_PASSWORD") ?? string.Empty;
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            await using var probe = await HubAlertProbe.ConnectAsync(new Uri(parseResult.GetValue(server)!), parseResult.GetValue(user) ?? "admin", secret, cancellationToken).ConfigureAwait(false);
            await error.WriteLineAsync("{\"ready\":true}").ConfigureAwait(false);
            await error.FlushAsync(cancellationToken).ConfigureAwait(false);
            var until = Stopwatch.StartNew();
            var wanted = parseResult.GetValue(expect);
            while (probe.NearFalls.Count < wanted && until.Elapsed.TotalSeconds < seconds && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
            }

            var seen = probe.NearFalls
                .Select(static p => new HubWatchSeen(p.Key, p.Value.Received, p.Value.ServerToReceived is { } s ? Math.Round(s.TotalMilliseconds, 1) : null))
                .OrderBy(static s => s.ReceivedTicks)
                .ToArray();
            await output.WriteLineAsync(JsonSerializer.Serialize(new HubWatchSummary(seen, Stopwatch.Frequency), s_json)).ConfigureAwait(false);
            return seen.Length >= wanted ? 0 : 1;
        });
        return command;
    }

    private sealed record HubWatchSummary(HubWatchSeen[] Seen, long StopwatchFrequency);

    private sealed record HubWatchSeen(string Device, long ReceivedTicks, double? ProcessedToReceivedMs);
}
