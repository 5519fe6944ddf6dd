using StabilityMonitor.Signal;

namespace StabilityMonitor.Simulation;

/// <summary>
/// Generates a wearer's accelerometer samples from a motion plan, in g, in the device's axes as worn on the
/// lower back: Y up (reads +1 g upright), Z antero-posterior, X medio-lateral, then pitched by the wearer's
/// mount angle. No I/O, no wall clock, no allocation per sample: the same seed gives the same stream.
/// </summary>
public sealed class MotionGenerator
{
    /// <summary>Length of a stumble's jolt, s.</summary>
    public const double StumbleSeconds = 0.16;

    /// <summary>Descent and impact of a fall before lying, s.</summary>
    public const double FallLeadSeconds = 0.48;

    /// <summary>Time to get up from lying, s.</summary>
    public const double GetUpSeconds = 2.5;

    private const double DescentSeconds = 0.4;
    private const double ImpactSeconds = 0.08;

    private readonly WearerProfile _profile;
    private readonly IMotionPlan _plan;
    private readonly Random _random;
    private readonly int _rate;
    private readonly float _mountCos;
    private readonly float _mountSin;
    private MotionSegment _segment;
    private long _segmentStart;
    private long _segmentLength;
    private double _gaitPhase;
    private double _swayPhase;
    private double _swayNoise;
    private bool _lying;

    /// <param name="profile">How the wearer moves.</param>
    /// <param name="plan">What the wearer does.</param>
    /// <param name="rateHz">Sample rate, Hz.</param>
    /// <param name="seed">Seed of the noise and of the plan's choices.</param>
    public MotionGenerator(WearerProfile profile, IMotionPlan plan, int rateHz, int seed)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfLessThan(rateHz, 1);
        _profile = profile;
        _plan = plan;
        _rate = rateHz;
        _random = new Random(seed);
        var pitch = profile.MountPitchDeg * Math.PI / 180;
        _mountCos = (float)Math.Cos(pitch);
        _mountSin = (float)Math.Sin(pitch);
        _segmentLength = 0;
    }

    /// <summary>Index of the next sample to be generated.</summary>
    public long SampleIndex { get; private set; }

    /// <summary>What the wearer is doing now.</summary>
    public MotionKind Current => _segment.Kind;

    /// <summary>Called with the sample index of every stumble and fall peak, as it is generated.</summary>
    public Action<MotionKind, long>? PeakGenerated { get; set; }

    /// <summary>Fills <paramref name="destination"/> with the next samples.</summary>
    public void Fill(Span<AccelSample> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            while (SampleIndex - _segmentStart >= _segmentLength)
            {
                StartNextSegment();
            }

            destination[i] = Mount(NextSample(SampleIndex - _segmentStart));
            SampleIndex++;
        }
    }

    private void StartNextSegment()
    {
        _segmentStart = SampleIndex;
        _segment = _plan.Next(_random);
        var seconds = _segment.Kind switch
        {
            MotionKind.Stumble => StumbleSeconds,
            MotionKind.Fall => FallLeadSeconds + _segment.Seconds,
            MotionKind.GetUp => GetUpSeconds,
            _ => _segment.Seconds,
        };
        _segmentLength = Math.Max(1, (long)Math.Round(seconds * _rate));
        if (_segment.Kind is MotionKind.Stand or MotionKind.Walk or MotionKind.Stumble && _lying)
        {
            // Standing or walking needs getting up first.
            _segment = new MotionSegment(MotionKind.GetUp, GetUpSeconds);
            _segmentLength = (long)Math.Round(GetUpSeconds * _rate);
        }
    }

    private (double X, double Y, double Z) NextSample(long i)
    {
        var dt = 1.0 / _rate;
        switch (_segment.Kind)
        {
            case MotionKind.Walk:
                return Gait(dt);

            case MotionKind.Stumble:
            {
                var n = _segmentLength;
                if (i == n / 2)
                {
                    PeakGenerated?.Invoke(MotionKind.Stumble, SampleIndex);
                }

                var w = Math.Sin(Math.PI * (i + 0.5) / n);
                var gait = Gait(dt);
                return (gait.X + (0.3 * w), gait.Y + (_profile.StumbleVerticalG * w), gait.Z + (_profile.StumbleHorizontalG * w));
            }

            case MotionKind.Fall:
                return FallSample(i);

            case MotionKind.Lie:
                return _lying ? Lying() : Stand(dt);

            case MotionKind.GetUp:
            {
                var w = Math.Clamp(i / (double)Math.Max(1, _segmentLength - 1), 0, 1);
                var angle = (1 - w) * Math.PI / 2;
                _lying = w < 1;
                return (Noise(0.02), Math.Cos(angle) + Noise(0.03), Math.Sin(angle) + Noise(0.03));
            }

            default:
                return Stand(dt);
        }
    }

    private (double X, double Y, double Z) FallSample(long i)
    {
        var descent = (long)Math.Round(DescentSeconds * _rate);
        var impact = Math.Max(2, (long)Math.Round(ImpactSeconds * _rate));
        if (i < descent)
        {
            var w = i / (double)descent;
            return (Noise(0.05), 1 - (0.7 * w), 0.3 * w);
        }

        if (i < descent + impact)
        {
            var k = i - descent;
            if (k == impact / 2)
            {
                PeakGenerated?.Invoke(MotionKind.Fall, SampleIndex);
            }

            var w = Math.Sin(Math.PI * (k + 0.5) / impact);
            var peak = _profile.FallImpactG;
            return (0.2 * w, 0.3 + (0.5 * peak * w), peak * w);
        }

        _lying = true;
        return Lying();
    }

    private (double X, double Y, double Z) Lying() => (Noise(0.004), Noise(0.004), 1 + Noise(0.004));

    private (double X, double Y, double Z) Stand(double dt)
    {
        // Two incommensurate sway components plus slowly varying (first-order filtered) noise.
        _swayPhase += 2 * Math.PI * _profile.SwayHz * dt;
        _swayNoise += 0.05 * (Noise(_profile.SwayG) - _swayNoise);
        var ap = (_profile.SwayG * Math.Sin(_swayPhase)) + (0.4 * _profile.SwayG * Math.Sin(2.7 * _swayPhase)) + _swayNoise;
        var ml = (0.6 * _profile.SwayG * Math.Sin((1.3 * _swayPhase) + 1)) + (0.5 * _swayNoise);
        var n = _profile.NoiseG;
        return (ml + Noise(n), 1 + Noise(n / 2), ap + Noise(n));
    }

    private (double X, double Y, double Z) Gait(double dt)
    {
        _gaitPhase += 2 * Math.PI * _profile.CadenceHz * dt;
        var p = _gaitPhase;
        var vertical = (_profile.StepVerticalG * Math.Sin(p)) + (0.25 * _profile.StepVerticalG * Math.Sin((2 * p) + 0.7));
        var ap = _profile.StepApG * Math.Cos(p);
        var ml = 0.08 * Math.Sin(p / 2);
        return (ml + Noise(0.02), 1 + vertical + Noise(0.03), ap + Noise(0.03));
    }

    private AccelSample Mount((double X, double Y, double Z) s)
    {
        // Pitch about the medio-lateral (X) axis.
        var y = (float)s.Y;
        var z = (float)s.Z;
        return new AccelSample((float)s.X, (_mountCos * y) - (_mountSin * z), (_mountSin * y) + (_mountCos * z));
    }

    private double Noise(double sigma)
    {
        // Box-Muller from the seeded generator keeps runs reproducible.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
