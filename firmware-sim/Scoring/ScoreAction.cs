using System.Text.Json;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Scoring;

/// <summary>Runs <c>firmware-sim score</c>.</summary>
internal static class ScoreAction
{
    public const int Success = 0;
    public const int Imperfect = 1;
    public const int InvalidInput = 2;

    public static async Task<int> ExecuteAsync(
        string truthPath,
        Uri? server,
        string? eventsPath,
        TimeSpan tolerance,
        string? jsonPath,
        bool failOnMiss,
        ServerCredentials credentials,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        IReadOnlyList<GroundTruthRecord> truth;
        try
        {
            truth = GroundTruthFile.Read(truthPath);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot read the ground truth: {ex.Message}");
            return InvalidInput;
        }

        if (truth.Count == 0)
        {
            error.WriteLine($"error: '{truthPath}' holds no ground-truth records.");
            return InvalidInput;
        }

        IReadOnlyList<ObservedEvent> events;
        IReadOnlyList<ObservedQuality>? quality = null;
        if (eventsPath is not null)
        {
            try
            {
                events = ReadEventsFile(eventsPath);
            }
            catch (Exception ex) when (ex is IOException or JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException)
            {
                error.WriteLine($"error: cannot read events from '{eventsPath}': {ex.Message}");
                return InvalidInput;
            }
        }
        else
        {
            using var handler = new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), UseCookies = true };
            using var http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
            var client = new ServerEventsClient(http);
            try
            {
                await credentials.ApplyAsync(http, cancellationToken).ConfigureAwait(false);
                events = await client.GetEventsAsync(truth, tolerance, cancellationToken).ConfigureAwait(false);
                quality = await client.GetQualityAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                error.WriteLine($"error: cannot read events from {server}: {ex.Message}");
                return InvalidInput;
            }
        }

        var hasFaults = truth.Any(static r => !r.IsDetectable && r.Kind != GroundTruthRecord.Activity);
        var report = Scorer.Score(truth, events, tolerance, hasFaults ? quality : null);
        output.WriteLine($"score of '{truthPath}' against {(eventsPath ?? server?.ToString())}");
        ScoreTableWriter.Write(report, output);
        if (jsonPath is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(jsonPath));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            await using var stream = File.Create(jsonPath);
            await JsonSerializer.SerializeAsync(stream, report, ScoringJsonContext.Default.ScoreReport, cancellationToken).ConfigureAwait(false);
            output.WriteLine();
            output.WriteLine($"report written to '{jsonPath}'");
        }

        return failOnMiss && !report.Perfect ? Imperfect : Success;
    }

    /// <summary>Events saved from <c>GET /api/events</c> (the page object, or its items array).</summary>
    public static IReadOnlyList<ObservedEvent> ReadEventsFile(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var items = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement : document.RootElement.GetProperty("items");
        return [.. items.EnumerateArray().Select(static item => new ObservedEvent(
            item.GetProperty("deviceId").GetString() ?? string.Empty,
            ServerEventsClient.KindLabel(item.GetProperty("kind").GetString()),
            item.GetProperty("timeMicros").GetInt64(),
            item.TryGetProperty("decisionTimeMicros", out var d) ? d.GetInt64() : item.GetProperty("timeMicros").GetInt64(),
            item.TryGetProperty("peakAccelG", out var p) ? p.GetDouble() : 0))];
    }
}
