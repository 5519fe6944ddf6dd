namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>The sisfall-enhanced labels of one trial: one <see cref="AnnotationLabel"/> per data sample.</summary>
internal sealed class SisFallAnnotation
{
    private readonly AnnotationLabel[] _labels;

    public SisFallAnnotation(AnnotationLabel[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _labels = labels;
        AlertSegments = Segments(labels, AnnotationLabel.Alert);
        FallSegments = Segments(labels, AnnotationLabel.Fall);
        FirstFallIndex = FallSegments.Count > 0 ? FallSegments[0].Start : null;
    }

    public int SampleCount => _labels.Length;

    public ReadOnlySpan<AnnotationLabel> Labels => _labels;

    /// <summary>Index of the first FALL sample: the reference fall time for latency. Null when there is none.</summary>
    public int? FirstFallIndex { get; }

    public IReadOnlyList<SampleSegment> AlertSegments { get; }

    public IReadOnlyList<SampleSegment> FallSegments { get; }

    private static SampleSegment[] Segments(AnnotationLabel[] labels, AnnotationLabel label)
    {
        var segments = new List<SampleSegment>();
        var start = -1;
        for (var i = 0; i <= labels.Length; i++)
        {
            var inside = i < labels.Length && labels[i] == label;
            if (inside && start < 0)
            {
                start = i;
            }
            else if (!inside && start >= 0)
            {
                segments.Add(new SampleSegment(start, i - start));
                start = -1;
            }
        }

        return [.. segments];
    }
}
