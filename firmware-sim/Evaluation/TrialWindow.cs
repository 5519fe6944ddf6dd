using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// Where in a fall or near-fall trial the incident lies, seconds from the start of the recording, [start, end].
/// Annotated trials: from the first to the last ALERT or FALL sample (<see cref="ScoringRules.AnnotatedToleranceSeconds"/>
/// around it). Others: the largest acceleration magnitude ± <see cref="ScoringRules.UnannotatedToleranceSeconds"/>.
/// </summary>
/// <param name="StartS">First instant an alarm's onset may lie at.</param>
/// <param name="EndS">Last instant an alarm's onset may lie at.</param>
/// <param name="Annotated">Whether the window comes from per-sample labels.</param>
internal sealed record TrialWindow(double StartS, double EndS, bool Annotated)
{
    public bool Contains(double timeS) => timeS >= StartS && timeS <= EndS;

    /// <summary>The incident window of a fall or near-fall trial; null for ADL trials (every alarm there is false).</summary>
    public static TrialWindow? Of(Recording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        if (recording.Kind == TrialKind.Adl || recording.Samples.Length == 0)
        {
            return null;
        }

        var rate = (double)recording.SampleRateHz;
        if (recording.Annotation is { } annotation && LabelledSpan(annotation) is { } span)
        {
            return new TrialWindow(
                (span.First / rate) - ScoringRules.AnnotatedToleranceSeconds,
                ((span.Last + 1) / rate) + ScoringRules.AnnotatedToleranceSeconds,
                Annotated: true);
        }

        var peak = LargestMagnitudeIndex(recording.Samples) / rate;
        return new TrialWindow(peak - ScoringRules.UnannotatedToleranceSeconds, peak + ScoringRules.UnannotatedToleranceSeconds, Annotated: false);
    }

    private static (int First, int Last)? LabelledSpan(SisFallAnnotation annotation)
    {
        int first = -1, last = -1;
        var labels = annotation.Labels;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] != AnnotationLabel.Background)
            {
                first = first < 0 ? i : first;
                last = i;
            }
        }

        return first < 0 ? null : (first, last);
    }

    private static int LargestMagnitudeIndex(ReadOnlySpan<Signal.AccelSample> samples)
    {
        var best = 0;
        var bestMagnitude = float.MinValue;
        for (var i = 0; i < samples.Length; i++)
        {
            var magnitude = samples[i].Magnitude;
            if (magnitude > bestMagnitude)
            {
                bestMagnitude = magnitude;
                best = i;
            }
        }

        return best;
    }
}
