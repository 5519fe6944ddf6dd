using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Signal.Tests.Evaluation;

/// <summary>Hand-made recordings and events for scoring tests.</summary>
internal static class TestRecordings
{
    public const long Start = 1_000_000_000;

    /// <summary>A recording of upright stillness (Y at -1 g, as SisFall's unit reads).</summary>
    /// <param name="fallIndex">When set, annotated with FALL from this sample to the end.</param>
    /// <param name="alert">When set, annotated with ALERT over these samples, [start, end).</param>
    public static Recording Make(TrialKind kind, string code, string name, int samples, int rateHz = 200, int? fallIndex = null, (int Start, int End)? alert = null, string subject = "SA99")
    {
        AnnotationLabel[]? labels = null;
        if (fallIndex is not null || alert is not null)
        {
            labels = new AnnotationLabel[samples];
        }

        if (fallIndex is { } index)
        {
            labels.AsSpan(index).Fill(AnnotationLabel.Fall);
        }

        if (alert is { } span)
        {
            labels.AsSpan(span.Start, span.End - span.Start).Fill(AnnotationLabel.Alert);
        }

        return new Recording
        {
            File = $"test/{name}.txt",
            Name = name,
            Subject = subject,
            Code = code,
            Kind = kind,
            SampleRateHz = rateHz,
            RangeG = 16,
            Samples = Enumerable.Repeat(new AccelSample(0f, -1f, 0f), samples).ToArray(),
            Annotation = labels is null ? null : new SisFallAnnotation(labels),
        };
    }

    /// <summary>A recording of the given samples (any kind, SisFall-like names), optionally annotated as in <see cref="Make"/>.</summary>
    public static Recording From(TrialKind kind, string code, string name, AccelSample[] samples, int rateHz, int? fallIndex = null)
    {
        var template = Make(kind, code, name, samples.Length, rateHz, fallIndex);
        return new Recording
        {
            File = template.File,
            Name = template.Name,
            Subject = template.Subject,
            Code = template.Code,
            Kind = template.Kind,
            SampleRateHz = template.SampleRateHz,
            RangeG = template.RangeG,
            Samples = samples,
            Annotation = template.Annotation,
        };
    }

    /// <summary>An event decided <paramref name="decisionSeconds"/> after <see cref="Start"/>, onset 0.5 s earlier.</summary>
    public static StabilityEvent Event(EventKind kind, double decisionSeconds)
    {
        var decision = Start + (long)Math.Round(decisionSeconds * 1e6);
        return new StabilityEvent(decision - 500_000, kind, 2, 0.75f, 3.5f, 40f, 300f, 80f, decision);
    }
}
