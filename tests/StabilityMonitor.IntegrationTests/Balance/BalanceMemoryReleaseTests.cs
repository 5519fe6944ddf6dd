using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using StabilityMonitor.Influx;
using StabilityMonitor.IntegrationTests.Alerts;
using StabilityMonitor.Server.Balance;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.IntegrationTests.Balance;

/// <summary>
/// With a real influxd, a wearable's mobility days before yesterday are let go from memory once written as they are
/// (issue 11: 35 days of ~0.8 KB a wearable otherwise), the routes still answer them from the store, and a late frame for
/// a day let go does not begin a partial copy that would replace the stored day.
/// </summary>
public sealed class BalanceMemoryReleaseTests(SqliteStoreSettings store) : IClassFixture<SqliteStoreSettings>
{
    private const long MicrosPerDay = 86_400_000_000L;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task DayBeforeYesterday_WrittenThenLetGo_StillAnsweredFromTheStore_AndNotReplacedByALateFrame()
    {
        using var rig = new BalanceRig(store);
        await using var server = await rig.StartAsync();
        var world = await World.CreateAsync(server);
        await BalanceRig.LoadedAsync(server);
        using var carer = await world.SignInAsync("carer-a");
        var table = server.Services.GetRequiredServiceOf<MobilityTable>();
        var persistence = server.Services.GetRequiredServiceOf<MobilityPersistenceService>();
        var storeMetrics = server.Services.GetRequiredServiceOf<IStoreMetrics>();

        var today = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 / MicrosPerDay;
        var old = today - 3;
        var oldRange = $"?from={Iso(old)}&to={Iso(old + 1)}";

        // Three days ago: a walk, counted and written.
        var walk = new MotionScript().Stand(5).Walk(40).Stand(5);
        var published = await PublishAsync(server, world, walk, (old * MicrosPerDay) + (8 * 3_600_000_000L), seed: 11);
        var oldSteps = await SettledStepsAsync(carer, oldRange, server);
        Assert.True(oldSteps > 30, $"steps {oldSteps}");
        Assert.Single(table.ReadStates(["a-01"], old, old)["a-01"]);

        // Today: the wearable goes on. Its newest day is now today, so the day three days ago may go once written.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var todayFrames = await PublishAsync(server, world, new MotionScript().Stand(5).Walk(20).Stand(5), now - 40_000_000, seed: 12);
        published += todayFrames;
        await Poll.UntilAsync(() => server.Pipeline.GetDevice("a-01")!.Quality.Frames >= published, s_timeout, () => "frames not processed");
        await Poll.UntilAsync(
            async () =>
            {
                await persistence.FlushAsync(CancellationToken.None);
                return table.ReadStates(["a-01"], old, old)["a-01"].Count == 0;
            },
            s_timeout,
            () => $"day {old} still held; logs:\n{server.Logs.Dump()}");
        Assert.Single(table.ReadStates(["a-01"], today, today)["a-01"]);

        // Let go from memory, answered from InfluxDB: the same day, and the two days together.
        Assert.Equal(oldSteps, await StepsAsync(carer, oldRange));
        var all = await StepsAsync(carer, string.Empty);
        Assert.True(all > oldSteps + 10, $"all days {all}, the old day {oldSteps}");

        // Frames for the day let go (the clock set back, the numbering going on): processed, but not counted into a new
        // partial day, so the stored day stands.
        var jumps = server.Pipeline.GetDevice("a-01")!.Quality.ClockJumps;
        published += await PublishAsync(server, world, new MotionScript().Walk(20), (old * MicrosPerDay) + (12 * 3_600_000_000L), seed: 13, firstSequence: (uint)todayFrames);
        await Poll.UntilAsync(() => server.Pipeline.GetDevice("a-01")!.Quality.Frames >= published, s_timeout, () => $"late frames not processed: {server.Pipeline.GetDevice("a-01")!.Quality}");
        Assert.True(server.Pipeline.GetDevice("a-01")!.Quality.ClockJumps > jumps);
        await persistence.FlushAsync(CancellationToken.None);
        await Poll.UntilAsync(() => storeMetrics.BacklogPoints == 0, s_timeout, () => "journal not sent");
        Assert.Empty(table.ReadStates(["a-01"], old, old)["a-01"]);
        Assert.Equal(oldSteps, await StepsAsync(carer, oldRange));
        Assert.Empty(server.Logs.Errors);
    }

    [Fact]
    public async Task WithoutAReadableStore_EveryDayStaysInMemory()
    {
        // No Influx:Url: the days' points wait in the journal, so the memory is the only copy the routes can show.
        using var rig = new BalanceRig(store);
        await using var server = await rig.StartAsync(("Influx:Url", string.Empty));
        var world = await World.CreateAsync(server);
        await BalanceRig.LoadedAsync(server);
        using var carer = await world.SignInAsync("carer-a");
        var table = server.Services.GetRequiredServiceOf<MobilityTable>();
        var persistence = server.Services.GetRequiredServiceOf<MobilityPersistenceService>();
        Assert.False(server.Services.GetRequiredServiceOf<IMeasurementStore>().IsAvailable);

        var today = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 / MicrosPerDay;
        var old = today - 3;
        var published = await PublishAsync(server, world, new MotionScript().Stand(5).Walk(40).Stand(5), (old * MicrosPerDay) + (8 * 3_600_000_000L), seed: 11);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        published += await PublishAsync(server, world, new MotionScript().Stand(5).Walk(20).Stand(5), now - 40_000_000, seed: 12);
        await Poll.UntilAsync(() => server.Pipeline.GetDevice("a-01")!.Quality.Frames >= published, s_timeout, () => "frames not processed");
        await Poll.UntilAsync(() => table.ReadStates(["a-01"], today, today)["a-01"].Count == 1, s_timeout, () => "today not counted");
        await persistence.FlushAsync(CancellationToken.None);
        await persistence.FlushAsync(CancellationToken.None);

        Assert.Single(table.ReadStates(["a-01"], old, old)["a-01"]);
        Assert.True(await StepsAsync(carer, $"?from={Iso(old)}&to={Iso(old + 1)}") > 30);
    }

    private static async Task<int> PublishAsync(ServerHost server, World world, MotionScript script, long startMicros, int seed, uint firstSequence = 0)
    {
        await using var device = new Device("a-01", BalanceRig.Broker(server, world, "a-01"), script, seed: seed, startMicros: startMicros, firstSequence: firstSequence);
        using var cts = new CancellationTokenSource(s_timeout);
        await device.PublishScriptAsync(script, TimeSpan.Zero, cts.Token);
        return device.Published;
    }

    private static async Task<double> SettledStepsAsync(HttpClient carer, string range, ServerHost server)
    {
        var last = -1.0;
        var steps = 0.0;
        await Poll.UntilAsync(
            async () =>
            {
                steps = await StepsAsync(carer, range);
                var settled = steps > 0 && steps == last;
                last = steps;
                await Task.Delay(500);
                return settled;
            },
            s_timeout,
            () => $"steps {steps}; logs:\n{server.Logs.Dump()}");
        return steps;
    }

    private static async Task<double> StepsAsync(HttpClient carer, string range) =>
        (await carer.GetFromJsonAsync<JsonElement>("/api/devices/a-01/mobility" + range)).GetProperty("steps").GetDouble();

    private static string Iso(long day) =>
        Uri.EscapeDataString(DateTimeOffset.FromUnixTimeMilliseconds(day * MicrosPerDay / 1000).ToString("O", CultureInfo.InvariantCulture));
}
