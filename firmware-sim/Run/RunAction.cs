using System.Globalization;
using System.Security.Cryptography;
using StabilityMonitor.FirmwareSim.Scoring;
using StabilityMonitor.FirmwareSim.Streaming;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Run;

/// <summary>Runs <c>firmware-sim run</c>: scenario (or a random routine), sessions, MQTT, ground truth, summary.</summary>
internal static class RunAction
{
    public const int Success = 0;
    public const int InvalidInput = 2;
    public const int Failed = 3;
    public const int Cancelled = 130;

    public static async Task<int> ExecuteAsync(RunSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Scenario scenario;
        try
        {
            scenario = LoadScenario(settings);
        }
        catch (ScenarioValidationException ex)
        {
            error.WriteLine(ex.Message);
            return InvalidInput;
        }
        catch (IOException ex)
        {
            error.WriteLine($"error: cannot read the scenario: {ex.Message}");
            return InvalidInput;
        }

        var duration = settings.DurationSeconds ?? scenario.DurationSeconds ?? DefaultDuration(scenario);
        var start = settings.StartMicros ?? (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
        var sessions = scenario.Wearers.Select(w => new WearableSession(w, duration, start)).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scenario '{scenario.Name}': {sessions.Count} wearers, {duration:0.#} s of run time, seed {scenario.Seed}, device clock starts {GroundTruthRecord.FormatTime(start)}"));

        if (settings.ValidateOnly)
        {
            WritePlan(sessions, output);
            return Success;
        }

        if (settings.Offline)
        {
            return Offline(sessions, settings, output);
        }

        if (settings.DryRun)
        {
            return DryRun(sessions, settings, duration, output);
        }

        output.WriteLine($"publishing to {settings.Broker.Broker} at {SpeedText(settings.Broker.Speed)}; Ctrl+C stops cleanly");
        var inPlace = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        var progress = settings.Quiet ? null : new ProgressLine(error, inPlace, duration);
        var streams = sessions.Select(s => (IDeviceStream)new SessionStream(s, duration)).ToList();
        using var stop = new StopSignal(cancellationToken);
        var summary = await StreamRunner.RunAsync(streams, settings.Broker, progress is null ? null : progress.Report, stop.Token).ConfigureAwait(false);
        progress?.Finish();

        var truth = sessions.SelectMany(s => s.GroundTruth(summary.Cancelled ? summary.RunSeconds : null, scenario.Name)).ToList();
        GroundTruthFile.Write(settings.GroundTruthPath, truth);
        summary.Write(output);
        WriteExpectedQuality(sessions, output);
        output.WriteLine($"ground truth: {truth.Count(static r => r.IsDetectable)} near-falls/falls, {truth.Count(static r => !r.IsDetectable && r.Kind != GroundTruthRecord.Activity)} fault records -> {settings.GroundTruthPath}");
        output.WriteLine($"score it with: firmware-sim score --truth {settings.GroundTruthPath} --server http://127.0.0.1:5080");
        if (summary.Devices.Any(static d => d.LastError?.StartsWith("the broker refused", StringComparison.Ordinal) == true))
        {
            error.WriteLine("error: the broker refused some devices (credentials or ACL); see the summary.");
            return Failed;
        }

        return summary.Cancelled ? Cancelled : Success;
    }

    public static Scenario LoadScenario(RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Scenario scenario;
        if (settings.ScenarioPath is { } path)
        {
            scenario = ScenarioParser.ParseFile(path);
            if (settings.Seed is { } seed && seed != scenario.Seed)
            {
                // A new seed re-derives every wearer seed that the file did not fix.
                var original = scenario;
                scenario = scenario with
                {
                    Seed = seed,
                    Wearers = [.. original.Wearers.Select(w => w.Seed == ScenarioParser.DeriveSeed(original.Seed, w.Id) ? w with { Seed = ScenarioParser.DeriveSeed(seed, w.Id) } : w)],
                };
            }
        }
        else
        {
            var seed = settings.Seed ?? 1;
            var duration = settings.DurationSeconds ?? 120;
            var wearers = new List<WearerSpec>();
            for (var i = 1; i <= settings.Devices; i++)
            {
                var id = $"sim-{i:00}";
                var wearerSeed = ScenarioParser.DeriveSeed(seed, id);
                var kind = settings.Profile switch
                {
                    "steady" => WearerKind.Steady,
                    "unsteady" => WearerKind.Unsteady,
                    _ => i % 3 == 0 ? WearerKind.Unsteady : WearerKind.Steady,
                };
                wearers.Add(new WearerSpec(id, kind, wearerSeed, new DeviceSettings(), RandomRoutine.Create(duration, wearerSeed), []));
            }

            scenario = new Scenario("random-routine", seed, duration, wearers);
        }

        if (settings.IdPrefix.Length > 0)
        {
            // Ids only: seeds stay as they were, so a prefixed run repeats the unprefixed one.
            scenario = scenario with { Wearers = [.. scenario.Wearers.Select(w => w with { Id = settings.IdPrefix + w.Id })] };
            if (scenario.Wearers.FirstOrDefault(static w => !StabilityMonitor.Signal.Codec.DeviceId.IsValid(w.Id)) is { } bad)
            {
                throw new ScenarioValidationException("--id-prefix", [new ScenarioError(0, 0, "--id-prefix", $"'{bad.Id}' is not a valid device id (1..64 characters of [A-Za-z0-9_-])")]);
            }
        }

        if (settings.RateHz is not null || settings.SamplesPerFrame is not null || settings.RangeG is not null)
        {
            scenario = scenario with
            {
                Wearers = [.. scenario.Wearers.Select(w => w with
                {
                    Device = w.Device with
                    {
                        RateHz = settings.RateHz ?? w.Device.RateHz,
                        SamplesPerFrame = settings.SamplesPerFrame ?? (settings.RateHz is { } r ? Math.Max(1, r / 2) : w.Device.SamplesPerFrame),
                        RangeG = settings.RangeG ?? w.Device.RangeG,
                    },
                })],
            };
        }

        return scenario;
    }

    public static double DefaultDuration(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var longest = scenario.Wearers.Max(static w => TimelineSchedule.Resolve(w.Timeline).LastOrDefault().EndSeconds);
        return longest + Scenario.TailSeconds;
    }

    private static int DryRun(List<WearableSession> sessions, RunSettings settings, double duration, TextWriter output)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long frames = 0, other = 0;
        Span<byte> due = stackalloc byte[8];
        foreach (var session in sessions)
        {
            while (session.TryNext(out var message))
            {
                BitConverter.TryWriteBytes(due, message.DueSeconds);
                hash.AppendData(due);
                hash.AppendData([(byte)message.Kind]);
                hash.AppendData(message.Payload.Span);
                if (message.Kind == OutboundKind.Frame)
                {
                    frames++;
                }
                else
                {
                    other++;
                }
            }
        }

        var truth = sessions.SelectMany(s => s.GroundTruth(null, null)).ToList();
        GroundTruthFile.Write(settings.GroundTruthPath, truth);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dry run: {frames} frames and {other} other messages over {duration:0.#} s; nothing published"));
        output.WriteLine($"messages sha256: {Convert.ToHexStringLower(hash.GetHashAndReset())}");
        WriteExpectedQuality(sessions, output);
        output.WriteLine($"ground truth: {truth.Count(static r => r.IsDetectable)} near-falls/falls -> {settings.GroundTruthPath}");
        return Success;
    }

    private static int Offline(List<WearableSession> sessions, RunSettings settings, TextWriter output)
    {
        var events = sessions.SelectMany(static s => OfflineDetector.Detect(s)).ToList();
        var truth = sessions.SelectMany(static s => s.GroundTruth()).ToList();
        GroundTruthFile.Write(settings.GroundTruthPath, truth);
        output.WriteLine("offline: frames fed straight to the device processor (no broker)");
        output.WriteLine();
        ScoreTableWriter.Write(Scorer.Score(truth, events, TimeSpan.FromSeconds(settings.ToleranceSeconds)), output);
        return Success;
    }

    private static void WritePlan(IEnumerable<WearableSession> sessions, TextWriter output)
    {
        foreach (var session in sessions)
        {
            var d = session.Spec.Device;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{session.Id} ({session.Spec.Kind.ToString().ToLowerInvariant()}, seed {session.Spec.Seed}, {d.RateHz} Hz, {d.SamplesPerFrame} samples/frame, ±{d.RangeG} g, cadence {session.Traits.CadenceHz:0.00} steps/s)"));
            foreach (var step in session.Plan)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {step.StartSeconds,7:0.0} - {step.EndSeconds,7:0.0} s  {ScenarioParser.ActivityName(step.Activity)}"));
            }

            foreach (var fault in session.Spec.Faults)
            {
                var end = double.IsPositiveInfinity(fault.EndSeconds) ? "end" : fault.EndSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fault {ScenarioParser.FaultName(fault.Kind)} {fault.StartSeconds:0.0} - {end} s"));
            }
        }
    }

    private static void WriteExpectedQuality(IEnumerable<WearableSession> sessions, TextWriter output)
    {
        var rows = sessions.Select(static s => (s.Id, Quality: s.ExpectedQuality())).Where(static r => r.Quality != default).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        output.WriteLine("expected data-quality counts from the injected faults:");
        foreach (var (id, q) in rows)
        {
            output.WriteLine(FormattableString.Invariant($"  {id,-24} lost {q.Lost,4}  duplicates {q.Duplicates,4}  reordered {q.Reordered,4}  malformed {q.Malformed,4}  clock jumps {q.ClockJumps,2}"));
        }
    }

    private static string SpeedText(double speed) => speed <= 0 ? "full speed" : speed == 1 ? "real time" : FormattableString.Invariant($"×{speed:0.##}");
}
