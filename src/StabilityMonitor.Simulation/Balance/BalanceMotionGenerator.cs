using StabilityMonitor.Signal;

namespace StabilityMonitor.Simulation.Balance;

/// <summary>
/// Generates a waist-worn accelerometer stream from a <see cref="BalanceScript"/>, in g, in the same device axes as
/// <see cref="MotionGenerator"/>: Y up (+1 g upright), Z forward, X medio-lateral. The trunk's pitch (forward
/// positive) rotates gravity and the body's acceleration into these axes. No I/O, no wall clock, no allocation per
/// sample; the same seed gives the same stream. After the script it holds the last posture (sitting or standing).
/// </summary>
public sealed class BalanceMotionGenerator
{
    private const double SeatPitchDeg = -12;
    private const double RiseFlexionDeg = 28;
    private const double StandardGravity = 9.80665;

    private readonly IReadOnlyList<BalanceSegment> _segments;
    private readonly Random _random;
    private readonly int _rate;
    private int _segmentIndex = -1;
    private long _segmentStart;
    private long _segmentLength;
    private BalanceSegment _segment;
    private bool _seated;
    private bool _lying;
    private double _swayNoiseAp;
    private double _swayNoiseMl;
    private double _stepElapsed;
    private double _stepDuration;
    private long _stepIndex;

    public BalanceMotionGenerator(BalanceScript script, int rateHz, int seed)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentOutOfRangeException.ThrowIfLessThan(rateHz, 1);
        _segments = script.Segments;
        _rate = rateHz;
        _random = new Random(seed);
    }

    /// <summary>Index of the next sample.</summary>
    public long SampleIndex { get; private set; }

    /// <summary>Step times generated so far while walking (the ground truth of step-time variability); null to skip.</summary>
    public List<double>? StepTimes { get; set; }

    /// <summary>The whole script (plus <paramref name="tailSeconds"/> of holding) as one array.</summary>
    public static AccelSample[] Generate(BalanceScript script, int rateHz, int seed, double tailSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(script);
        var samples = new AccelSample[(int)Math.Round((script.Seconds + tailSeconds) * rateHz)];
        new BalanceMotionGenerator(script, rateHz, seed).Fill(samples);
        return samples;
    }

    public void Fill(Span<AccelSample> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            while (SampleIndex - _segmentStart >= _segmentLength)
            {
                NextSegment();
            }

            destination[i] = NextSample((SampleIndex - _segmentStart + 0.5) / _segmentLength);
            SampleIndex++;
        }
    }

    private void NextSegment()
    {
        _segmentStart = SampleIndex;
        _segmentIndex++;
        if (_segmentIndex < _segments.Count)
        {
            _segment = _segments[_segmentIndex];
        }
        else
        {
            _segment = new BalanceSegment(_seated ? BalanceMotionKind.Sit : BalanceMotionKind.Stand, 60, 0.006, 0, 0);
        }

        _segmentLength = Math.Max(1, (long)Math.Round(_segment.Seconds * _rate));
        _stepElapsed = 0;
        _stepDuration = 0;
    }

    private AccelSample NextSample(double u)
    {
        var t = SampleIndex / (double)_rate;
        double forward = 0, vertical = 0, lateral = 0, pitch = 0;
        switch (_segment.Kind)
        {
            case BalanceMotionKind.Walk:
                _seated = _lying = false;
                (forward, vertical, lateral) = Gait();
                break;

            case BalanceMotionKind.SitDown:
            case BalanceMotionKind.StandUp:
            {
                var down = _segment.Kind == BalanceMotionKind.SitDown;
                var accel = _segment.Amount * MinimumJerkAcceleration(u) / (_segment.Seconds * _segment.Seconds) / StandardGravity;
                vertical = down ? -accel : accel;
                var settled = MinimumJerk(u);
                pitch = (RiseFlexionDeg * Math.Sin(Math.PI * u)) + (SeatPitchDeg * (down ? settled : 1 - settled));
                forward = 0.08 * Math.Sin(2 * Math.PI * u);
                _seated = down && u > 0.99;
                _lying = false;
                break;
            }

            case BalanceMotionKind.Sit:
                _seated = true;
                pitch = SeatPitchDeg;
                break;

            case BalanceMotionKind.Lie:
                _lying = true;
                return new AccelSample((float)Noise(0.003), (float)Noise(0.003), (float)(1 + Noise(0.003)));

            case BalanceMotionKind.Jolt:
            {
                var w = Math.Sin(Math.PI * u);
                forward = _segment.Amount * w;
                vertical = 0.5 * _segment.Amount * w;
                lateral = 0.3 * _segment.Amount * w;
                break;
            }

            default:
                _lying = false;
                (forward, lateral) = Sway(t, _segment.Amount);
                pitch = _seated ? SeatPitchDeg : 0;
                break;
        }

        if (_lying)
        {
            return new AccelSample((float)Noise(0.003), (float)Noise(0.003), (float)(1 + Noise(0.003)));
        }

        var p = pitch * Math.PI / 180;
        var (sin, cos) = Math.SinCos(p);
        var up = 1 + vertical;
        return new AccelSample(
            (float)(lateral + Noise(0.003)),
            (float)((forward * sin) + (up * cos) + Noise(0.003)),
            (float)((forward * cos) - (up * sin) + Noise(0.003)));
    }

    private (double Forward, double Lateral) Sway(double t, double swayG)
    {
        _swayNoiseAp += 0.05 * (Noise(swayG) - _swayNoiseAp);
        _swayNoiseMl += 0.05 * (Noise(swayG) - _swayNoiseMl);
        var ap = (swayG * Math.Sin(2 * Math.PI * 0.5 * t)) + (0.4 * swayG * Math.Sin(2 * Math.PI * 1.35 * t)) + _swayNoiseAp;
        var ml = (0.6 * swayG * Math.Sin((2 * Math.PI * 0.65 * t) + 1)) + _swayNoiseMl;
        return (ap, ml);
    }

    private (double Forward, double Vertical, double Lateral) Gait()
    {
        if (_stepDuration == 0 || _stepElapsed >= _stepDuration)
        {
            if (_stepDuration > 0)
            {
                StepTimes?.Add(_stepDuration);
                _stepIndex++;
            }

            _stepElapsed = 0;
            var mean = 60.0 / _segment.Amount;
            _stepDuration = Math.Max(0.2, mean * (1 + (_segment.StepTimeCv * Gaussian())));
        }

        var phase = 2 * Math.PI * _stepElapsed / _stepDuration;
        _stepElapsed += 1.0 / _rate;
        const double Vertical = 0.3;
        var vertical = (Vertical * Math.Sin(phase)) + (0.25 * Vertical * Math.Sin((2 * phase) + 0.7));
        var forward = 0.2 * Math.Cos(phase);
        var lateral = 0.08 * Math.Sin((phase / 2) + (_stepIndex % 2 == 0 ? 0 : Math.PI));
        return (forward, vertical, lateral);
    }

    /// <summary>Minimum-jerk position profile 10u³ − 15u⁴ + 6u⁵ (0 → 1).</summary>
    private static double MinimumJerk(double u) => u * u * u * (10 - (15 * u) + (6 * u * u));

    /// <summary>Second derivative of <see cref="MinimumJerk"/> with respect to u.</summary>
    private static double MinimumJerkAcceleration(double u) => (60 * u) - (180 * u * u) + (120 * u * u * u);

    private double Noise(double sigma) => sigma * Gaussian();

    private double Gaussian()
    {
        // Box-Muller from the seeded generator keeps runs reproducible.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
