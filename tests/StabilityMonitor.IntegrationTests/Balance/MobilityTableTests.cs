using Microsoft.Extensions.Options;
using StabilityMonitor.Server.Balance;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.IntegrationTests.Balance;

/// <summary>The server's per-device mobility table: bounded, least recently heard dropped first once idle, nothing allocated per frame.</summary>
public sealed class MobilityTableTests : IDisposable
{
    // Device time of today: the table counts only the days it may hold (Balance:LedgerDays back from the server's date).
    private static readonly long s_start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    private static readonly AccelSample[] s_still = [.. Enumerable.Repeat(new AccelSample(0, 1, 0), 50)];

    private readonly TempDirectory _data = new("sm-mobility-");
    private readonly RawSampleArchive _archive;

    public MobilityTableTests() =>
        _archive = new RawSampleArchive(_data.Sub("raw-samples"), 120, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<RawSampleArchive>.Instance);

    [Fact]
    public void MoreDevicesThanAllowed_LeastRecentlyHeardDropped()
    {
        var time = new SteppedTime();
        var table = new MobilityTable(Options.Create(new BalanceOptions { MaxDevices = 3, DeviceIdleTimeout = TimeSpan.FromSeconds(3) }), time, _archive);
        foreach (var id in new[] { "d-1", "d-2", "d-3" })
        {
            Feed(table, id, 0);
            time.Step();
        }

        Feed(table, "d-1", 1);
        time.Step();
        Feed(table, "d-4", 0);

        Assert.Equal(3, table.Count);
        Assert.Null(table.Read(["d-2"], null, null, static days => days));
        Assert.NotNull(table.Read(["d-1"], null, null, static days => days));
        Assert.NotNull(table.Read(["d-4"], null, null, static days => days));
        Assert.Equal(0, table.Untracked);
    }

    /// <summary>
    /// More streaming wearables than the bound: evicting the least recently heard (heard a frame ago) would bring it
    /// back on its next frame, evicting another, on every frame. The first ones are kept; the others are not tracked.
    /// </summary>
    [Fact]
    public void MoreStreamingDevicesThanAllowed_FirstOnesKept_OthersUntrackedUntilOneIsIdle()
    {
        var time = new SteppedTime();
        var table = new MobilityTable(Options.Create(new BalanceOptions { MaxDevices = 3, DeviceIdleTimeout = TimeSpan.FromSeconds(10) }), time, _archive);
        string[] ids = ["d-1", "d-2", "d-3", "d-4", "d-5"];
        for (var second = 0; second < 5; second++)
        {
            foreach (var id in ids)
            {
                Feed(table, id, second);
            }

            time.Step();
        }

        Assert.Equal(3, table.Count);
        Assert.Equal(2 * 5, table.Untracked);
        Assert.Equal(["d-1", "d-2", "d-3"], table.DeviceIds().Order());

        // d-1 falls silent; once idle for the timeout, a new device takes its place.
        for (var second = 5; second < 16; second++)
        {
            Feed(table, "d-2", second);
            Feed(table, "d-3", second);
            time.Step();
        }

        Feed(table, "d-5", 16);
        Assert.Equal(["d-2", "d-3", "d-5"], table.DeviceIds().Order());
    }

    [Fact]
    public void DeviceOnProbation_GetsNoTracker_UntilEstablished()
    {
        var table = new MobilityTable(Options.Create(new BalanceOptions()), TimeProvider.System, _archive);
        for (var i = 0; i < 1000; i++)
        {
            Feed(table, $"flood-{i}", 0, established: false);
        }

        Assert.Equal(0, table.Count);
        Feed(table, "flood-7", 1, established: true);
        Feed(table, "flood-7", 2, established: true);
        Assert.Equal(1, table.Count);
        Assert.NotNull(table.Read(["flood-7"], null, null, static days => days));
    }

    [Fact]
    public void OnFrame_KnownDevice_AllocatesNothing()
    {
        var table = new MobilityTable(Options.Create(new BalanceOptions()), TimeProvider.System, _archive);
        for (var i = 0; i < 100; i++)
        {
            Feed(table, "d-1", i);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 100; i < 400; i++)
        {
            Feed(table, "d-1", i);
        }

        // The raw-sample archive's records included: 300 s of a 50 Hz device went to its file.
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1.0, _archive.Read("d-1", s_start + 100_000_000, s_start + 399_000_000).Coverage, 2);
    }

    public void Dispose()
    {
        _archive.Dispose();
        _data.Dispose();
    }

    private static void Feed(MobilityTable table, string id, int second, bool established = true)
    {
        var header = new FrameHeader(50, 8, 50, (uint)second, s_start + (second * 1_000_000L));
        table.OnFrame(id, header, s_still, established);
    }
}

/// <summary>A clock whose timestamp moves only when told.</summary>
internal sealed class SteppedTime : TimeProvider
{
    private long _ticks;

    public void Step() => _ticks += TimestampFrequency;

    public override long GetTimestamp() => _ticks;
}
