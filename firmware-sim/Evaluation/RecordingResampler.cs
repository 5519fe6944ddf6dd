using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Replay;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// A recording as a wearable sampling at another rate would have sent it: band-limited resampling of
/// the samples, and the per-sample labels carried over to the nearest new sample so latency still
/// refers to the annotated fall onset.
/// </summary>
internal static class RecordingResampler
{
    public static Recording Resample(Recording recording, int rateHz)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rateHz);
        if (recording.SampleRateHz == rateHz)
        {
            return recording;
        }

        var samples = Resampler.Resample(recording.Samples, recording.SampleRateHz, rateHz);
        SisFallAnnotation? annotation = null;
        if (recording.Annotation is { } source)
        {
            var labels = new AnnotationLabel[samples.Length];
            var old = source.Labels;
            for (var i = 0; i < labels.Length; i++)
            {
                labels[i] = old[Math.Min(old.Length - 1, (int)Math.Round(i * (double)recording.SampleRateHz / rateHz))];
            }

            annotation = new SisFallAnnotation(labels);
        }

        return new Recording
        {
            File = recording.File,
            Name = recording.Name,
            Subject = recording.Subject,
            Code = recording.Code,
            Kind = recording.Kind,
            SampleRateHz = rateHz,
            RangeG = recording.RangeG,
            Samples = samples,
            Annotation = annotation,
        };
    }
}
