namespace StabilityMonitor.Simulation;

/// <summary>
/// A ward resident's day, endlessly: stand, walk, stand, … with an occasional stumble during a walk and,
/// more rarely, a fall followed by a while on the floor and getting up.
/// </summary>
public sealed class WardRoutine : IMotionPlan
{
    private readonly Queue<MotionSegment> _pending = new();
    private bool _standNext = true;
    private int _walks;

    /// <summary>Chance that a walk contains a stumble (near-fall), 0..1. Default 0.2.</summary>
    public double NearFallProbability { get; init; } = 0.2;

    /// <summary>Chance that a walk ends in a fall, 0..1. Default 0.03.</summary>
    public double FallProbability { get; init; } = 0.03;

    /// <summary>
    /// Every Nth walk contains a stumble whatever the draw (0: never forced). The demo forces one wearable's, so that a
    /// newcomer sees a near-fall alert arrive within about a minute. Default 0.
    /// </summary>
    public int StumbleEveryNthWalk { get; init; }

    /// <summary>Standing time, s: drawn uniformly in this range. Default 10..30 s.</summary>
    public (double Min, double Max) StandSeconds { get; init; } = (10, 30);

    /// <summary>Walking time, s: drawn uniformly in this range. Default 12..40 s.</summary>
    public (double Min, double Max) WalkSeconds { get; init; } = (12, 40);

    /// <inheritdoc/>
    public MotionSegment Next(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (_pending.TryDequeue(out var pending))
        {
            return pending;
        }

        _standNext = !_standNext;
        if (!_standNext)
        {
            return new MotionSegment(MotionKind.Stand, Uniform(random, StandSeconds));
        }

        var walk = Uniform(random, WalkSeconds);
        var draw = random.NextDouble();
        _walks++;
        if (StumbleEveryNthWalk > 0 && _walks % StumbleEveryNthWalk == 1 % StumbleEveryNthWalk)
        {
            // Forced: a stumble, never a fall (the draw is moved into the stumble's range).
            draw = FallProbability;
        }

        if (draw < FallProbability)
        {
            // Walk, fall, lie a while, get up.
            _pending.Enqueue(new MotionSegment(MotionKind.Fall, 15 + (15 * random.NextDouble())));
            _pending.Enqueue(new MotionSegment(MotionKind.GetUp, MotionGenerator.GetUpSeconds));
            return new MotionSegment(MotionKind.Walk, walk);
        }

        if (draw < FallProbability + NearFallProbability)
        {
            // The stumble comes after at least 4 s of gait and is followed by at least 4 s more.
            var before = 4 + ((walk - 4) * 0.5 * random.NextDouble());
            _pending.Enqueue(new MotionSegment(MotionKind.Stumble, MotionGenerator.StumbleSeconds));
            _pending.Enqueue(new MotionSegment(MotionKind.Walk, Math.Max(4, walk - before)));
            return new MotionSegment(MotionKind.Walk, before);
        }

        return new MotionSegment(MotionKind.Walk, walk);
    }

    private static double Uniform(Random random, (double Min, double Max) range) =>
        range.Min + ((range.Max - range.Min) * random.NextDouble());
}
