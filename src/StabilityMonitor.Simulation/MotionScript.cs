namespace StabilityMonitor.Simulation;

/// <summary>
/// A fixed sequence of segments, then quiet standing for ever. Built fluently:
/// <c>new MotionScript().Stand(5).Walk(8).Stumble().Walk(8)</c>.
/// </summary>
public sealed class MotionScript : IMotionPlan
{
    private readonly List<MotionSegment> _segments = [];
    private int _next;

    /// <summary>The segments in order.</summary>
    public IReadOnlyList<MotionSegment> Segments => _segments;

    /// <summary>Total scripted duration in seconds, counting a stumble as <see cref="MotionGenerator.StumbleSeconds"/>
    /// and a fall as its descent and impact plus the lying time.</summary>
    public double Seconds => _segments.Sum(static s => s.Kind switch
    {
        MotionKind.Stumble => MotionGenerator.StumbleSeconds,
        MotionKind.Fall => MotionGenerator.FallLeadSeconds + s.Seconds,
        _ => s.Seconds,
    });

    public MotionScript Stand(double seconds) => Add(MotionKind.Stand, seconds);

    public MotionScript Walk(double seconds) => Add(MotionKind.Walk, seconds);

    /// <summary>A recovered stumble; follow it with <see cref="Walk"/> so the recovery shows.</summary>
    public MotionScript Stumble() => Add(MotionKind.Stumble, MotionGenerator.StumbleSeconds);

    /// <summary>A fall, then lying still for <paramref name="lyingSeconds"/>.</summary>
    public MotionScript Fall(double lyingSeconds = 10) => Add(MotionKind.Fall, lyingSeconds);

    public MotionScript Lie(double seconds) => Add(MotionKind.Lie, seconds);

    public MotionScript GetUp() => Add(MotionKind.GetUp, MotionGenerator.GetUpSeconds);

    /// <inheritdoc/>
    public MotionSegment Next(Random random) =>
        _next < _segments.Count ? _segments[_next++] : new MotionSegment(MotionKind.Stand, 60);

    private MotionScript Add(MotionKind kind, double seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        _segments.Add(new MotionSegment(kind, seconds));
        return this;
    }
}
