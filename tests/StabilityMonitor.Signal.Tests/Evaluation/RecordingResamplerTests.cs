using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;

namespace StabilityMonitor.Signal.Tests.Evaluation;

public class RecordingResamplerTests
{
    [Fact]
    public void Resample_200To50Hz_QuartersTheSamplesAndKeepsTheFallOnsetInTime()
    {
        var recording = TestRecordings.Make(TrialKind.Fall, "F01", "F01_SA99_R01", samples: 3000, rateHz: 200, fallIndex: 1400);

        var resampled = RecordingResampler.Resample(recording, 50);

        Assert.Equal(50, resampled.SampleRateHz);
        Assert.InRange(resampled.Samples.Length, 749, 751);
        Assert.Equal(recording.DurationSeconds, resampled.DurationSeconds, 0.05);
        Assert.Equal(350, resampled.Annotation!.FirstFallIndex);
        Assert.All(resampled.Samples, s => Assert.Equal(-1f, s.Y, 3));
        Assert.Equal((recording.Code, recording.Kind, recording.Subject), (resampled.Code, resampled.Kind, resampled.Subject));
    }

    [Fact]
    public void Resample_SameRate_ReturnsTheRecording()
    {
        var recording = TestRecordings.Make(TrialKind.Adl, "D01", "D01_SA99_R01", samples: 200);

        Assert.Same(recording, RecordingResampler.Resample(recording, 200));
    }
}
