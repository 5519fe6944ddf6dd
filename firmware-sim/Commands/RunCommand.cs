using System.CommandLine;
using System.Globalization;
using StabilityMonitor.FirmwareSim.Run;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>
/// <c>firmware-sim run [--scenario FILE | --devices N] [--duration TIME] [--seed N] [broker options] [--speed X|max]
/// [--ground-truth FILE] [--dry-run] [--validate]</c>.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var scenario = new Option<FileInfo?>("--scenario")
        {
            Description = "Scenario file (JSON, see docs/simulator.md and scenarios/): wearers, their timelines and faults. "
                + "Without it, --devices wearers follow a random day-room routine.",
            HelpName = "FILE",
        };
        var devices = new Option<int>("--devices")
        {
            Description = "Without --scenario: number of wearers (ids sim-01, sim-02, ...). Default 3.",
            HelpName = "N",
            DefaultValueFactory = static _ => 3,
        };
        devices.Validators.Add(static r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > ScenarioParser.MaxWearers)
            {
                r.AddError($"--devices must be 1..{ScenarioParser.MaxWearers}.");
            }
        });
        var duration = new Option<string?>("--duration")
        {
            Description = "Run time to emulate (30s, 10m, 1h). Default: the scenario's 'duration', else the end of its longest "
                + "timeline plus 5 s; without a scenario 2m.",
            HelpName = "TIME",
        };
        duration.Validators.Add(static r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && (!DurationText.TryParse(text, out var s) || s <= 0))
            {
                r.AddError($"--duration '{text}' is not a positive time such as 30s, 10m or 1h.");
            }
        });
        var profile = new Option<string>("--profile")
        {
            Description = "Without --scenario: the wearers' balance, 'steady', 'unsteady' or 'mixed' (every third unsteady). Default mixed.",
            HelpName = "steady|unsteady|mixed",
            DefaultValueFactory = static _ => "mixed",
        };
        profile.AcceptOnlyFromAmong("steady", "unsteady", "mixed");
        var seed = new Option<int?>("--seed")
        {
            Description = "Seed of the run (overrides the scenario's). The same seed gives the same frames, byte for byte, and the same ground truth.",
            HelpName = "N",
        };
        var idPrefix = new Option<string>("--id-prefix")
        {
            Description = "Prefix added to every device id (e.g. run2-), so that a repeated run is scored apart from earlier ones: "
                + "the server keeps events and data-quality counters per device id. Seeds are not changed. Default: none.",
            HelpName = "PREFIX",
            DefaultValueFactory = static _ => string.Empty,
        };
        var rate = new Option<int?>("--rate")
        {
            Description = "Sample rate of every wearable, Hz (1..1000), overriding the scenario. Frames then hold rate/2 samples unless --frame-samples is given.",
            HelpName = "HZ",
        };
        rate.Validators.Add(static r =>
        {
            if (r.GetValueOrDefault<int?>() is { } v && v is < 1 or > 1000)
            {
                r.AddError("--rate must be 1..1000 Hz.");
            }
        });
        var frameSamples = new Option<int?>("--frame-samples")
        {
            Description = "Samples per frame (1..1000), overriding the scenario. Default 25 (two frames a second at 50 Hz).",
            HelpName = "N",
        };
        frameSamples.Validators.Add(static r =>
        {
            if (r.GetValueOrDefault<int?>() is { } v && v is < 1 or > 1000)
            {
                r.AddError("--frame-samples must be 1..1000.");
            }
        });
        var range = new Option<int?>("--range")
        {
            Description = "Accelerometer full-scale range, g (2, 4, 8 or 16), overriding the scenario. Default 8.",
            HelpName = "G",
        };
        range.AcceptOnlyFromAmong("2", "4", "8", "16");
        var start = new Option<string?>("--start")
        {
            Description = "Device clock at the start of the run (ISO 8601, e.g. 2024-01-01T00:00:00Z). Default: now. "
                + "Give it for runs whose timestamps must be identical too.",
            HelpName = "TIME",
        };
        start.Validators.Add(static r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && !TryParseStart(text, out _))
            {
                r.AddError($"--start '{text}' is not an ISO 8601 time such as 2024-01-01T00:00:00Z.");
            }
        });
        var truth = new Option<FileInfo>("--ground-truth")
        {
            Description = "Where to write the ground truth (JSON lines: device, kind, start, end, ...). Default ground-truth.jsonl.",
            HelpName = "FILE",
            DefaultValueFactory = static _ => new FileInfo("ground-truth.jsonl"),
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Generate every message without connecting: writes the ground truth and prints counts and a SHA-256 of "
                + "all messages (equal for equal seeds).",
        };
        var offline = new Option<bool>("--offline")
        {
            Description = "No broker: feed each wearer's frames (in order, without duplicates) straight to the device processor "
                + "and score the events against the ground truth. A quick check of a scenario or of the motion models.",
        };
        var validate = new Option<bool>("--validate")
        {
            Description = "Only check the scenario and print each wearer's timeline and faults in run time.",
        };
        var quiet = new Option<bool>("--quiet")
        {
            Description = "No progress line.",
        };

        var command = new Command(
            "run",
            "Emulate wearables: publish their accelerometer frames (wire format v1), retained status with battery, and will "
            + "message over MQTT, driven by motion models (standing sway, walking, transfers, lying, near-falls, falls) and a "
            + "scenario's faults; write the ground truth of what happened.")
        {
            scenario, devices, duration, profile, seed, idPrefix, rate, frameSamples, range, start, truth, dryRun, offline, validate, quiet,
        };
        var broker = new BrokerOptionSet();
        broker.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            double? seconds = parseResult.GetValue(duration) is { } text && DurationText.TryParse(text, out var s) ? s : null;
            long? startMicros = parseResult.GetValue(start) is { } startText && TryParseStart(startText, out var micros) ? micros : null;
            var settings = new RunSettings
            {
                ScenarioPath = parseResult.GetValue(scenario)?.FullName,
                Devices = parseResult.GetValue(devices),
                DurationSeconds = seconds,
                Profile = parseResult.GetValue(profile) ?? "mixed",
                Seed = parseResult.GetValue(seed),
                IdPrefix = parseResult.GetValue(idPrefix) ?? string.Empty,
                RateHz = parseResult.GetValue(rate),
                SamplesPerFrame = parseResult.GetValue(frameSamples),
                RangeG = parseResult.GetValue(range),
                StartMicros = startMicros,
                GroundTruthPath = parseResult.GetRequiredValue(truth).FullName,
                DryRun = parseResult.GetValue(dryRun),
                Offline = parseResult.GetValue(offline),
                ValidateOnly = parseResult.GetValue(validate),
                Quiet = parseResult.GetValue(quiet),
                Broker = broker.Read(parseResult),
            };
            var invocation = parseResult.InvocationConfiguration;
            return await RunAction.ExecuteAsync(settings, invocation.Output, invocation.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static bool TryParseStart(string text, out long micros)
    {
        micros = 0;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return false;
        }

        micros = (time - DateTimeOffset.UnixEpoch).Ticks / 10;
        return true;
    }
}
