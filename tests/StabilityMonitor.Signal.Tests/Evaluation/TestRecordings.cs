using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Signal.Tests.Evaluation;

/// <summary>Hand-made recordings and events for scoring tests.</summary>
internal static class TestRecordings
{
    public const long Start = 1_000_000_000;

    /// <summary>A recording of upright stillness (Y at -1 g, as SisFall's unit reads).</summary>
    /// <param name="fallIndex">When set, annotated with FALL from this sample to the end.</param>
    public static Recording Make(TrialKind kind, string code, string name, int samples, int rateHz = 200, int? fallIndex = null)
    {
        AnnotationLabel[]? labels = null;
        if (fallIndex is { } index)
        {
            labels = new AnnotationLabel[samples];
            labels.AsSpan(index).Fill(AnnotationLabel.Fall);
        }

        return new Recording
        {
            File = $"test/{name}.txt",
            Name = name,
            Subject = "SA99",
            Code = code,
            Kind = kind,
            SampleRateHz = rateHz,
            RangeG = 16,
            Samples = Enumerable.Repeat(new AccelSample(0f, -1f, 0f), samples).ToArray(),
            Annotation = labels is null ? null : new SisFallAnnotation(labels),
        };
    }

    /// <summary>An event decided <paramref name="decisionSeconds"/> after <see cref="Start"/>, onset 0.5 s earlier.</summary>
    public static StabilityEvent Event(EventKind kind, double decisionSeconds)
    {
        var decision = Start + (long)Math.Round(decisionSeconds * 1e6);
        return new StabilityEvent(decision - 500_000, kind, 2, 0.75f, 3.5f, 40f, 300f, 80f, decision);
    }
}
