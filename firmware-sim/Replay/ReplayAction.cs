using System.Globalization;
using System.Text;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Scoring;
using StabilityMonitor.FirmwareSim.Streaming;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.FirmwareSim.Replay;

/// <summary>Runs <c>firmware-sim replay</c>: read, resample if asked, publish as devices, write the labels as ground truth.</summary>
internal static class ReplayAction
{
    public const int Success = 0;
    public const int InvalidInput = 2;
    public const int Cancelled = 130;

    public static async Task<int> ExecuteAsync(ReplaySettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        IReadOnlyList<ReplayInput> inputs;
        try
        {
            inputs = ReplayLoader.Load(settings.Paths, settings.Format, settings.Subjects, settings.Codes);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {ex.Message}");
            return InvalidInput;
        }

        if (settings.Limit is { } limit)
        {
            inputs = [.. inputs.Take(limit)];
        }

        if (inputs.Count == 0)
        {
            error.WriteLine("error: nothing to replay (check the paths, --subjects and --codes).");
            return InvalidInput;
        }

        var start = settings.StartMicros ?? (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
        var streams = BuildStreams(inputs, settings, start);
        var duplicate = streams.GroupBy(static s => s.Stream.Id).FirstOrDefault(static g => g.Count() > 1);
        if (duplicate is not null)
        {
            error.WriteLine($"error: two recordings would publish as '{duplicate.Key}'; replay them separately.");
            return InvalidInput;
        }

        var truth = streams.SelectMany(static s => s.Stream.GroundTruth(s.Labels)).ToList();
        GroundTruthFile.Write(settings.GroundTruthPath, truth);
        var seconds = streams.Sum(static s => s.Stream.Recording.DurationSeconds);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replaying {streams.Count} recordings ({seconds:0} s of data) to {settings.Broker.Broker} at {(settings.Broker.Speed <= 0 ? "full speed" : settings.Broker.Speed == 1 ? "real time" : $"×{settings.Broker.Speed:0.##}")}, {Math.Min(settings.Concurrency, streams.Count)} at a time; Ctrl+C stops cleanly"));
        output.WriteLine($"ground truth from the labels: {truth.Count(static r => r.IsDetectable)} near-falls/falls in {streams.Count} recordings -> {settings.GroundTruthPath}");

        var inPlace = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        using var stop = new StopSignal(cancellationToken);
        var all = new List<DeviceRunStats>();
        var wall = 0.0;
        var cancelled = false;
        foreach (var batch in streams.Chunk(Math.Max(1, settings.Concurrency)))
        {
            var progress = settings.Quiet ? null : new ProgressLine(error, inPlace, batch.Max(static s => s.Stream.EndSeconds));
            var summary = await StreamRunner.RunAsync([.. batch.Select(static s => (IDeviceStream)s.Stream)], settings.Broker, progress is null ? null : progress.Report, stop.Token).ConfigureAwait(false);
            progress?.Finish();
            all.AddRange(summary.Devices);
            wall += summary.WallSeconds;
            if (summary.Cancelled)
            {
                cancelled = true;
                break;
            }
        }

        new RunSummary(all, wall, all.Count == 0 ? 0 : all.Max(static d => d.RunSeconds), cancelled).Write(output);
        return cancelled ? Cancelled : Success;
    }

    /// <summary>The device id of a recording: prefix + its name, reduced to the characters device ids allow.</summary>
    public static string DeviceIdFor(string prefix, Recording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var builder = new StringBuilder(prefix);
        foreach (var ch in recording.Name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' ? ch : '_');
        }

        var id = builder.ToString();
        return id.Length > DeviceId.MaxLength ? id[..DeviceId.MaxLength] : id;
    }

    public static List<(ReplayStream Stream, string?[]? Labels)> BuildStreams(IReadOnlyList<ReplayInput> inputs, ReplaySettings settings, long startMicros)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(settings);
        var streams = new List<(ReplayStream, string?[]?)>(inputs.Count);
        foreach (var input in inputs)
        {
            var original = input.Recording;
            var played = original;
            if (settings.RateHz is { } rate && rate != original.SampleRateHz)
            {
                played = new Recording
                {
                    File = original.File,
                    Name = original.Name,
                    Subject = original.Subject,
                    Code = original.Code,
                    Kind = original.Kind,
                    SampleRateHz = rate,
                    RangeG = original.RangeG,
                    Samples = Resampler.Resample(original.Samples, original.SampleRateHz, rate),
                };
            }

            var id = DeviceIdFor(settings.DevicePrefix, original);
            streams.Add((new ReplayStream(id, played, startMicros, settings.FrameSamples, original), input.Labels));
        }

        return streams;
    }
}
