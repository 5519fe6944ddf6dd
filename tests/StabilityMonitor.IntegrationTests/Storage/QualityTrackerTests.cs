using StabilityMonitor.Pipeline;
using StabilityMonitor.Server;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.IntegrationTests.Storage;

/// <summary>Cumulative pipeline counters → per-interval quality points (no servers needed).</summary>
public sealed class QualityTrackerTests
{
    [Fact]
    public void TryNext_FirstInterval_IsEverythingSinceStartWithBatteryInPercent()
    {
        var tracker = new QualityTracker();

        Assert.True(tracker.TryNext(Snapshot(endMicros: 10_000_000, samples: 500, resets: 1, rejected: 2, battery: 0.87f), out var q));

        Assert.Equal(10_000_000, q.TimeMicros);
        Assert.Equal(500, q.Samples);
        Assert.Equal(1, q.Gaps);
        Assert.Equal(2, q.DecodeErrors);
        Assert.Equal(50f, q.SampleRateHz);
        Assert.Equal(87f, q.BatteryPercent, 3);
    }

    [Fact]
    public void TryNext_AfterCommit_GivesTheDifference()
    {
        var tracker = new QualityTracker();
        var first = Snapshot(endMicros: 10_000_000, samples: 500, resets: 1, rejected: 2);
        Assert.True(tracker.TryNext(first, out _));
        tracker.Commit(first);

        Assert.True(tracker.TryNext(Snapshot(endMicros: 70_000_000, samples: 3500, resets: 1, rejected: 5), out var q));

        Assert.Equal((70_000_000, 3000, 0, 3), (q.TimeMicros, q.Samples, q.Gaps, q.DecodeErrors));
    }

    [Fact]
    public void TryNext_IntervalNotCommitted_IsFoldedIntoTheNext()
    {
        var tracker = new QualityTracker();
        var first = Snapshot(endMicros: 10_000_000, samples: 500);
        Assert.True(tracker.TryNext(first, out _));
        tracker.Commit(first);
        Assert.True(tracker.TryNext(Snapshot(endMicros: 70_000_000, samples: 3500), out _));

        // That point could not be stored (no commit): the next one covers both intervals.
        Assert.True(tracker.TryNext(Snapshot(endMicros: 130_000_000, samples: 6500), out var q));

        Assert.Equal((130_000_000, 6000), (q.TimeMicros, q.Samples));
    }

    [Fact]
    public void TryNext_DeviceTimeNotAdvanced_GivesNoPointThatWouldOverwriteTheLast()
    {
        var tracker = new QualityTracker();
        var first = Snapshot(endMicros: 10_000_000, samples: 500);
        Assert.True(tracker.TryNext(first, out _));
        tracker.Commit(first);

        Assert.False(tracker.TryNext(Snapshot(endMicros: 10_000_000, samples: 500, rejected: 4), out _));
        Assert.False(tracker.TryNext(Snapshot(endMicros: null, samples: 0), out _));
    }

    [Fact]
    public void TryNext_RateAndBatteryUnknown_AreNaNSoTheFieldsAreLeftOut()
    {
        var tracker = new QualityTracker();

        Assert.True(tracker.TryNext(Snapshot(endMicros: 1, samples: 25, rate: null, battery: null), out var q));

        Assert.True(float.IsNaN(q.SampleRateHz));
        Assert.True(float.IsNaN(q.BatteryPercent));
    }

    private static DeviceSnapshot Snapshot(long? endMicros, long samples, long resets = 0, long rejected = 0, int? rate = 50, float? battery = 0.5f) => new(
        "dev-1",
        Online: true,
        LastSeen: DateTimeOffset.UnixEpoch,
        LastDeviceTimeMicros: endMicros,
        Posture.Upright,
        Activity.Still,
        TiltDeg: 0,
        RateHz: rate,
        Battery: battery,
        Firmware: null,
        Events: 0,
        ProcessorResets: resets,
        new DeviceQuality(samples / 25, samples, 0, 0, 0, 0, 0, 0, rejected));
}
