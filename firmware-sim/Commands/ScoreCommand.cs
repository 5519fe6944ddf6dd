using System.CommandLine;
using StabilityMonitor.FirmwareSim.Scoring;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary><c>firmware-sim score --truth FILE [--server URL | --events FILE] [--tolerance TIME] [--json OUT]</c>.</summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var truth = new Option<FileInfo>("--truth")
        {
            Description = "Ground-truth file written by 'run' or 'replay' (JSON lines: device, kind, start, end).",
            HelpName = "FILE",
            Required = true,
        };
        var server = new Option<string>("--server")
        {
            Description = "The live server whose events are scored (GET /api/events, and /api/devices for data-quality counts). Default http://127.0.0.1:5080.",
            HelpName = "URL",
            DefaultValueFactory = static _ => "http://127.0.0.1:5080",
        };
        server.Validators.Add(static r =>
        {
            if (ServerUri(r.GetValueOrDefault<string>()) is null)
            {
                r.AddError("--server must be an http:// or https:// URL such as http://127.0.0.1:5080.");
            }
        });
        var events = new Option<FileInfo?>("--events")
        {
            Description = "Score events saved earlier (the JSON of GET /api/events, or its 'items' array) instead of asking the server.",
            HelpName = "FILE",
        };
        var tolerance = new Option<string>("--tolerance")
        {
            Description = "How far outside a truth item's [start, end] an event may lie and still match it (device time). Default 1.5s.",
            HelpName = "TIME",
            DefaultValueFactory = static _ => "1.5s",
        };
        tolerance.Validators.Add(static r =>
        {
            if (!DurationText.TryParse(r.GetValueOrDefault<string>(), out var s) || s < 0)
            {
                r.AddError("--tolerance must be a time such as 1.5s or 500ms.");
            }
        });
        var json = new Option<FileInfo?>("--json")
        {
            Description = "Also write the report (per kind, per truth item, false alarms, data quality) as JSON to this file.",
            HelpName = "OUT.json",
        };
        var strict = new Option<bool>("--fail-on-miss")
        {
            Description = "Exit with 1 unless every truth item was hit with the right kind, there was no false alarm and every data-quality count matched.",
        };

        var user = new Option<string?>("--user")
        {
            Description = "Sign in to the server as this user (a global admin sees every wearable; others their facility's). Default $STABILITY_USER.",
            HelpName = "NAME",
            DefaultValueFactory = static _ => Environment.GetEnvironmentVariable("STABILITY_USER"),
        };
        var password = new Option<string?>("--password")
        {
            Description = "Password for --user. Default $STABILITY_PASSWORD (prefer the variable: a command line is visible to others).",
            HelpName = "PASSWORD",
            DefaultValueFactory = static _ => Environment.GetEnvironmentVariable("STABILITY_PASSWORD"),
        };
        var apiKey = new Option<string?>("--api-key")
        {
            Description = "Authenticate with this facility API key (X-Api-Key) instead of a user. Default $STABILITY_API_KEY.",
            HelpName = "KEY",
            DefaultValueFactory = static _ => Environment.GetEnvironmentVariable("STABILITY_API_KEY"),
        };

        var command = new Command(
            "score",
            "Compare a ground-truth file with the events the system raised (from the server's API, or a saved file): hits, misses, "
            + "wrong kinds, false alarms and latency per kind, and the data-quality counts the injected faults should have caused.")
        {
            truth, server, events, tolerance, json, strict, user, password, apiKey,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            DurationText.TryParse(parseResult.GetValue(tolerance), out var seconds);
            var invocation = parseResult.InvocationConfiguration;
            return await ScoreAction.ExecuteAsync(
                parseResult.GetRequiredValue(truth).FullName,
                ServerUri(parseResult.GetValue(server)),
                parseResult.GetValue(events)?.FullName,
                TimeSpan.FromSeconds(seconds),
                parseResult.GetValue(json)?.FullName,
                parseResult.GetValue(strict),
                new ServerCredentials(parseResult.GetValue(user), parseResult.GetValue(password), parseResult.GetValue(apiKey)),
                invocation.Output,
                invocation.Error,
                cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The server's base address with a trailing slash (so that relative API paths append), or null.</summary>
    public static Uri? ServerUri(string? text) =>
        Uri.TryCreate(text?.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
}
