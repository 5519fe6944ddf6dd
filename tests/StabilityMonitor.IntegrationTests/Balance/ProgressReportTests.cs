using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StabilityMonitor.Balance.Guided;
using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Balance.Progress;
using StabilityMonitor.Influx;
using StabilityMonitor.IntegrationTests.Alerts;
using StabilityMonitor.Server;
using StabilityMonitor.Server.Balance;
using StabilityMonitor.Signal;
using StabilityMonitor.Simulation.Balance;

namespace StabilityMonitor.IntegrationTests.Balance;

/// <summary>
/// Progress end to end: eight weeks of a simulated resident's daily life with a trend (<see cref="ResidentWeeks"/>)
/// go through the mobility tracker, the server's store writer into influxd, and a weekly timed up-and-go and 5×
/// sit-to-stand through the scorer into the relational store; a second resident of the same facility lives the same
/// weeks without a trend. The server reads it all back for the progress JSON, the printable report and the CSV.
/// With <c>STABILITY_REPORT_OUT</c> set the report is also written to that file (the README's screenshot).
/// </summary>
public sealed class ProgressReportTests
{
    private const int Rate = 25;
    private const int Weeks = 8;
    private const long MicrosPerDay = 86_400_000_000L;

    [Fact]
    public async Task SimulatedResidentWithATrend_ProgressReportAndCsv()
    {
        using var rig = new BalanceRig(new SqliteStoreSettings());
        // The simulated days are about 6 minutes long: a day counts as worn from 0.08 h (4.8 min).
        await using var server = await rig.StartAsync(("Balance:MinWornHours", "0.08"));
        var world = await World.CreateAsync(server);
        var steady = await CreateResidentAsync(server, world, "Cora Cole", "a-02");
        await BalanceRig.LoadedAsync(server);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var firstMonday = ProgressReport.WeekStart(today).AddDays(-7 * Weeks);
        await LiveAsync(server, world.FacilityA, world.ResidentA, "a-01", new ResidentWeeks(Weeks, improvement: 1, seed: 3), firstMonday);
        await LiveAsync(server, world.FacilityA, steady, "a-02", new ResidentWeeks(Weeks, improvement: 0, seed: 4), firstMonday);
        await Poll.UntilAsync(() => server.StoreMetrics.BacklogPoints == 0, TimeSpan.FromSeconds(60), () => $"journal not drained; logs:\n{server.Logs.Dump()}");

        using var carer = await world.SignInAsync("carer-a");
        var improving = await TrendsAsync(carer, world.ResidentA);
        Assert.Equal("improving", improving["cadence_spm"]);
        Assert.Equal("improving", improving["steps_per_day"]);
        Assert.Equal("improving", improving["sit_to_stand_median_duration_s"]);
        Assert.Equal("improving", improving["timed_up_and_go_s"]);
        var flat = await TrendsAsync(carer, steady);
        Assert.Equal("stable", flat["cadence_spm"]);
        Assert.Equal("stable", flat["timed_up_and_go_s"]);

        using var report = await carer.GetAsync($"/api/residents/{world.ResidentA}/progress/report");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("text/html", report.Content.Headers.ContentType?.MediaType);
        var html = await report.Content.ReadAsStringAsync();
        Assert.Contains("Ann Archer", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.Equal(ProgressReport.Measures.Count, html.Split("<figure class=\"chart\">").Length - 1);
        Assert.True(html.Split("<svg ").Length - 1 >= 6, "a chart per measure with data");
        Assert.Contains("Timed up-and-go", html, StringComparison.Ordinal);
        Assert.Contains("Shumway-Cook", html, StringComparison.Ordinal);
        // Self-contained: no script, nothing fetched from anywhere.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        if (Environment.GetEnvironmentVariable("STABILITY_REPORT_OUT") is { Length: > 0 } output)
        {
            await File.WriteAllTextAsync(output, html);
        }

        using var csv = await carer.GetAsync($"/api/residents/{world.ResidentA}/progress.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ProgressCsv.Header, lines[0]);
        Assert.All(lines.Skip(1), static l => Assert.Equal(11, l.Split(',').Length));
        Assert.Equal(Weeks, lines.Count(static l => l.Contains(",cadence_spm,", StringComparison.Ordinal)));
        Assert.Equal(Weeks, lines.Count(static l => l.Contains(",timed_up_and_go_s,", StringComparison.Ordinal)));
        Assert.All(lines.Where(static l => l.Contains(",cadence_spm,", StringComparison.Ordinal)), static l => Assert.Contains(",improving,", l, StringComparison.Ordinal));

        using var carerB = await world.SignInAsync("carer-b");
        Assert.Equal(HttpStatusCode.NotFound, (await carerB.GetAsync($"/api/residents/{world.ResidentA}/progress/report")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await carerB.GetAsync($"/api/residents/{world.ResidentA}/progress.csv")).StatusCode);
        using var anonymous = server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/residents/{world.ResidentA}/progress/report")).StatusCode);
        Assert.Empty(server.Logs.Errors);
    }

    /// <summary>
    /// The resident's weeks: each day through a tracker into a ledger, stored as the server stores days; each week's
    /// TUG and 5× sit-to-stand scored and stored as the server stores a test run by "pt-anna".
    /// </summary>
    private static async Task LiveAsync(ServerHost server, Guid facility, Guid resident, string deviceId, ResidentWeeks life, DateOnly firstMonday)
    {
        var store = server.Services.GetRequiredServiceOf<IMeasurementStore>();
        var facilities = server.Services.GetRequiredServiceOf<FacilityMap>();
        var recorder = server.Services.GetRequiredServiceOf<BalanceTestRecorder>();
        var ledger = new MobilityLedger(maxDays: life.Days + 1);
        var tracker = new MobilityTracker(new MobilityOptions(), ledger);
        var epoch = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
        long through = 0;
        for (var d = 0; d < life.Days; d++)
        {
            var start = ((firstMonday.DayNumber - epoch + d) * MicrosPerDay) + (8 * 3_600_000_000L);
            var samples = BalanceMotionGenerator.Generate(life.Day(d), Rate, seed: d);
            for (var i = 0; i < samples.Length; i += Rate)
            {
                var n = Math.Min(Rate, samples.Length - i);
                tracker.Process(samples.AsSpan(i, n), Rate, start + (i * 1_000_000L / Rate));
            }

            tracker.Flush();
            through = start + (samples.Length * 1_000_000L / Rate);
        }

        foreach (var day in ledger.Days)
        {
            await store.AppendAsync(MobilityDayPoint.ToPoint(facilities.Of(deviceId), deviceId, day.ToState(), through));
        }

        for (var w = 0; w < life.Weeks; w++)
        {
            var wednesday = new DateTimeOffset(firstMonday.AddDays((7 * w) + 2).ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
            await ScoreAsync(recorder, facility, resident, deviceId, BalanceTestKind.TimedUpAndGo, life.TimedUpAndGo(w), wednesday, w);
            await ScoreAsync(recorder, facility, resident, deviceId, BalanceTestKind.SitToStand5x, life.SitToStand5x(w), wednesday.AddMinutes(10), w);
        }
    }

    private static async Task ScoreAsync(BalanceTestRecorder recorder, Guid facility, Guid resident, string deviceId, BalanceTestKind kind, BalanceScript script, DateTimeOffset start, int seed)
    {
        AccelSample[] samples = BalanceMotionGenerator.Generate(script, Rate, seed);
        var result = BalanceTestScorer.Score(kind, samples, Rate, null);
        var session = Guid.NewGuid();
        await recorder.StartAsync(session, facility, resident, deviceId, kind, null, "live", "pt-anna", default);
        Assert.NotNull(await recorder.CompleteAsync(session, start, start.AddSeconds(result.SegmentSeconds), result, default));
    }

    private static async Task<Dictionary<string, string>> TrendsAsync(HttpClient client, Guid resident)
    {
        var progress = await client.GetFromJsonAsync<JsonElement>($"/api/residents/{resident}/progress");
        return progress.GetProperty("trends").EnumerateArray().ToDictionary(static t => t.GetProperty("measure").GetString()!, static t => t.GetProperty("status").GetString()!);
    }

    private static async Task<Guid> CreateResidentAsync(ServerHost server, World world, string name, string deviceId)
    {
        using var response = await server.Http.PostAsJsonAsync($"/api/facilities/{world.FacilityA}/residents", new { name, room = "14" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await world.AssignAsync(deviceId, id);
        return id;
    }
}
