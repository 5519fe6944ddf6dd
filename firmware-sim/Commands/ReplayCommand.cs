using System.CommandLine;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Replay;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>
/// <c>firmware-sim replay PATH... [--format auto|sisfall|csv] [--subjects ..] [--codes ..] [--rate HZ] [--speed X|max]
/// [broker options] [--ground-truth FILE]</c>.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Recordings: SisFall trial files (.txt), SisFall dataset folders, generic CSV files (.csv, see docs/simulator.md) or folders of them. "
                + "Each recording becomes its own device, all published at once.",
            Arity = ArgumentArity.OneOrMore,
        };
        var format = new Option<string>("--format")
        {
            Description = "Input format: 'auto' (default: .csv files and folders of them are CSV, the rest SisFall), 'sisfall' or 'csv'.",
            HelpName = "auto|sisfall|csv",
            DefaultValueFactory = static _ => ReplayLoader.Auto,
        };
        format.AcceptOnlyFromAmong(ReplayLoader.Auto, ReplayLoader.SisFall, ReplayLoader.Csv);
        var subjects = new Option<string[]>("--subjects")
        {
            Description = "SisFall folders: only these subjects, comma-separated (SA01,SE04). Default: all.",
            HelpName = "LIST",
        };
        var excludeSubjects = new Option<string[]>("--exclude-subjects")
        {
            Description = "SisFall folders: leave out these subjects, comma-separated.",
            HelpName = "LIST",
        };
        var codes = new Option<string[]>("--codes")
        {
            Description = "Only recordings with these activity codes, comma-separated (F01,D18,D05). Default: all.",
            HelpName = "LIST",
        };
        var limit = new Option<int?>("--limit")
        {
            Description = "At most this many recordings (after the filters, in file order).",
            HelpName = "N",
        };
        var rate = new Option<int?>("--rate")
        {
            Description = "Resample every recording to this rate, Hz (band-limited, anti-aliased), as a wearable sampling at that rate would "
                + "have seen it. Default: the recording's own rate (SisFall 200 Hz).",
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
            Description = "Samples per frame (1..1000). Default: half a second (rate / 2), the framing the offline 'evaluate' uses.",
            HelpName = "N",
        };
        frameSamples.Validators.Add(static r =>
        {
            if (r.GetValueOrDefault<int?>() is { } v && v is < 1 or > 1000)
            {
                r.AddError("--frame-samples must be 1..1000.");
            }
        });
        var prefix = new Option<string>("--device-prefix")
        {
            Description = "Device id = prefix + recording name (e.g. rec-F01_SA01_R01). Default 'rec-'.",
            HelpName = "PREFIX",
            DefaultValueFactory = static _ => "rec-",
        };
        var start = new Option<string?>("--start")
        {
            Description = "Device clock of each recording's first sample (ISO 8601). Default: now. 2024-01-01T00:00:00Z matches 'evaluate'.",
            HelpName = "TIME",
        };
        start.Validators.Add(static r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && !RunCommand.TryParseStart(text, out _))
            {
                r.AddError($"--start '{text}' is not an ISO 8601 time such as 2024-01-01T00:00:00Z.");
            }
        });
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Recordings published at once (one MQTT connection each); the rest wait for the next batch. Default 64.",
            HelpName = "N",
            DefaultValueFactory = static _ => 64,
        };
        concurrency.Validators.Add(static r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--concurrency must be at least 1.");
            }
        });
        var truth = new Option<FileInfo>("--ground-truth")
        {
            Description = "Where to write the recordings' labels as ground truth (JSON lines). Default ground-truth.jsonl.",
            HelpName = "FILE",
            DefaultValueFactory = static _ => new FileInfo("ground-truth.jsonl"),
        };
        var quiet = new Option<bool>("--quiet") { Description = "No progress line." };

        var command = new Command(
            "replay",
            "Publish recorded accelerometer data over MQTT as if it came live from wearables (one device per recording, binary frames, "
            + "status and will), in real time, accelerated or as fast as possible, with the recordings' labels as ground truth.")
        {
            paths, format, subjects, excludeSubjects, codes, limit, rate, frameSamples, prefix, start, concurrency, truth, quiet,
        };
        var broker = new BrokerOptionSet();
        broker.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new ReplaySettings
            {
                Paths = parseResult.GetValue(paths) ?? [],
                Format = parseResult.GetValue(format) ?? ReplayLoader.Auto,
                Subjects = new SubjectFilter(parseResult.GetValue(subjects), parseResult.GetValue(excludeSubjects)),
                Codes = [.. (parseResult.GetValue(codes) ?? []).SelectMany(static c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
                Limit = parseResult.GetValue(limit),
                RateHz = parseResult.GetValue(rate),
                FrameSamples = parseResult.GetValue(frameSamples),
                DevicePrefix = parseResult.GetValue(prefix) ?? "rec-",
                StartMicros = parseResult.GetValue(start) is { } text && RunCommand.TryParseStart(text, out var micros) ? micros : null,
                Concurrency = parseResult.GetValue(concurrency),
                GroundTruthPath = parseResult.GetRequiredValue(truth).FullName,
                Quiet = parseResult.GetValue(quiet),
                Broker = broker.Read(parseResult),
            };
            var invocation = parseResult.InvocationConfiguration;
            return await ReplayAction.ExecuteAsync(settings, invocation.Output, invocation.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
