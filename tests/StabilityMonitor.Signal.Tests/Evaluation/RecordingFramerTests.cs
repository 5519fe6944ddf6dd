using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;

namespace StabilityMonitor.Signal.Tests.Evaluation;

public sealed class RecordingFramerTests
{
    [Theory]
    [InlineData(200, 100)]
    [InlineData(20, 10)]
    [InlineData(21, 10)]
    [InlineData(3, 1)]
    [InlineData(1, 1)]
    public void FrameSize_HalfSecondAtLeastOne(int rateHz, int expected) => Assert.Equal(expected, RecordingFramer.FrameSize(rateHz));

    [Fact]
    public void Frames_200Hz_HalfSecondFramesConsecutiveSequenceAndTimes()
    {
        var recording = TestRecordings.Make(TrialKind.Adl, "D01", "D01_SA99_R01", samples: 250);

        var frames = RecordingFramer.Frames(recording, TestRecordings.Start).ToList();

        Assert.Equal([100, 100, 50], frames.Select(f => (int)f.Header.SampleCount));
        Assert.Equal([0u, 1u, 2u], frames.Select(f => f.Header.Sequence));
        Assert.Equal(
            [TestRecordings.Start, TestRecordings.Start + 500_000, TestRecordings.Start + 1_000_000],
            frames.Select(f => f.Header.DeviceTimeMicros));
        Assert.All(frames, f => Assert.Equal(((ushort)200, (byte)16), (f.Header.SampleRateHz, f.Header.RangeG)));
        Assert.All(frames, f => Assert.Equal(f.Header.SampleCount, f.Samples.Length));
        Assert.Equal(250, frames.Sum(f => f.Samples.Length));
    }

    [Fact]
    public void Frames_RateNotDividingASecond_TimesFromStartWithoutDrift()
    {
        var recording = TestRecordings.Make(TrialKind.Adl, "Walking", "walk", samples: 21 * 60, rateHz: 21);

        var last = RecordingFramer.Frames(recording, TestRecordings.Start).Last();

        // Sample 1250 of a 21 Hz stream: 1250 / 21 s = 59.523809 s; summing truncated frame lengths would drift.
        Assert.Equal(1250, (int)last.Header.Sequence * 10);
        Assert.Equal(TestRecordings.Start + 59_523_809, last.Header.DeviceTimeMicros);
    }
}
