namespace StabilityMonitor.Simulation.Balance;

/// <summary>
/// A fixed sequence of balance and daily-life segments with their ground truth (start times), then quiet standing.
/// Built fluently: <c>new BalanceScript().Sit(3).StandUp().Stand(30, swayG: 0.01).Jolt().Walk(5)</c>.
/// </summary>
public sealed class BalanceScript
{
    /// <summary>Default time to sit down or stand up, s (a healthy older adult's rise takes about 1–2 s).</summary>
    public const double DefaultRiseSeconds = 1.6;

    /// <summary>Default waist descent when sitting on a chair, m.</summary>
    public const double DefaultSeatDropM = 0.3;

    /// <summary>Length of a loss-of-balance jolt, s.</summary>
    public const double JoltSeconds = 0.25;

    private readonly List<BalanceSegment> _segments = [];

    public IReadOnlyList<BalanceSegment> Segments => _segments;

    public double Seconds => _segments.Count == 0 ? 0 : _segments[^1].EndSeconds;

    public BalanceScript Stand(double seconds, double swayG = 0.006) => Add(BalanceMotionKind.Stand, seconds, swayG);

    public BalanceScript Walk(double seconds, double cadenceSpm = 105, double stepTimeCv = 0.03) => Add(BalanceMotionKind.Walk, seconds, cadenceSpm, stepTimeCv);

    public BalanceScript SitDown(double seconds = DefaultRiseSeconds, double dropM = DefaultSeatDropM) => Add(BalanceMotionKind.SitDown, seconds, dropM);

    public BalanceScript Sit(double seconds) => Add(BalanceMotionKind.Sit, seconds, 0);

    public BalanceScript StandUp(double seconds = DefaultRiseSeconds, double riseM = DefaultSeatDropM) => Add(BalanceMotionKind.StandUp, seconds, riseM);

    public BalanceScript Lie(double seconds) => Add(BalanceMotionKind.Lie, seconds, 0);

    public BalanceScript Jolt(double peakG = 0.6) => Add(BalanceMotionKind.Jolt, JoltSeconds, peakG);

    /// <summary>Sit-to-stand repetitions as in the 5× sit-to-stand and 30 s chair-stand tests: up, brief stand, down, brief sit.</summary>
    public BalanceScript SitToStandRepetitions(int count, double riseSeconds = DefaultRiseSeconds, double pauseSeconds = 0.4)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        for (var i = 0; i < count; i++)
        {
            StandUp(riseSeconds).Stand(pauseSeconds).SitDown(riseSeconds).Sit(pauseSeconds);
        }

        return this;
    }

    /// <summary>Segments of <paramref name="kind"/>, in order.</summary>
    public IEnumerable<BalanceSegment> Of(BalanceMotionKind kind) => _segments.Where(s => s.Kind == kind);

    private BalanceScript Add(BalanceMotionKind kind, double seconds, double amount, double stepTimeCv = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);
        _segments.Add(new BalanceSegment(kind, seconds, amount, stepTimeCv, Seconds));
        return this;
    }
}
