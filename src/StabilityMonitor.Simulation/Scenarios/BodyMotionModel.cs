using StabilityMonitor.Signal;

namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>
/// Generates a wearer's accelerometer samples (g, device axes as worn on the lower back: Y up, Z forward,
/// X to the left) from a planned timeline. The trunk has an orientation (pitch, roll) and the sensor point a
/// linear acceleration; the sample is the specific force (acceleration plus 1 g up) in the trunk's axes, then
/// rotated by how the device sits in its clip, plus sensor noise.
/// <list type="bullet">
/// <item>Quiet standing: two stabilised inverted pendulums (AP and ML) driven by white noise; the tilt shows as a
/// gravity component and the pendulum's acceleration as a linear one.</item>
/// <item>Walking: a step cycle with a vertical fundamental, a heel-strike transient, AP propulsion and braking,
/// ML sway at stride frequency, and step-to-step cadence and amplitude variation.</item>
/// <item>Transfers: trunk flexion and extension with the vertical push (seat-off) or the landing on the seat.</item>
/// <item>Near-falls: a short horizontal jolt (stumble forward, trip backward-then-forward, slip with a vertical
/// drop), a trunk excursion of 12-24 degrees that recovers, and quicker, larger recovery steps.</item>
/// <item>Falls: loss of balance, pre-impact descent with reduced specific force while the trunk rotates towards the
/// floor, an impact spike with a damped rebound, some movement on the floor, then lying still.</item>
/// </list>
/// Everything is drawn from one seeded generator, so the same seed gives the same samples. No I/O, no wall clock.
/// </summary>
public sealed class BodyMotionModel
{
    private const double Deg = Math.PI / 180;
    private const double Gravity = 9.81;

    private readonly WearerTraits _traits;
    private readonly IReadOnlyList<PlannedStep> _plan;
    private readonly TruthEvent?[] _events;
    private readonly Random _random;
    private readonly int _rate;
    private readonly double _dt;
    private readonly double _mountPitchCos;
    private readonly double _mountPitchSin;
    private readonly double _mountRollCos;
    private readonly double _mountRollSin;
    private int _stepIndex;
    private int _enteredStep = -1;

    // Posture: the slowly moving base orientation, and the orientation at the start of the current step.
    private double _pitchBase;
    private double _rollBase;
    private double _pitchStart;
    private double _rollStart;
    private double _pitch;
    private double _roll;

    // Standing sway: AP and ML pendulum angle (rad) and angular velocity.
    private double _swayAp;
    private double _swayApVelocity;
    private double _swayMl;
    private double _swayMlVelocity;

    // Gait.
    private double _gaitPhase;
    private long _gaitStep = -1;
    private double _stepCadence;
    private double _stepGain = 1;

    // Slow soft-tissue noise.
    private double _wobbleX;
    private double _wobbleZ;

    /// <param name="traits">How the wearer moves.</param>
    /// <param name="plan">The timeline in run time (<see cref="TimelineSchedule.Resolve"/>).</param>
    /// <param name="rateHz">Sample rate, Hz.</param>
    /// <param name="seed">Seed of the noise and of each event's details.</param>
    public BodyMotionModel(WearerTraits traits, IReadOnlyList<PlannedStep> plan, int rateHz, int seed)
    {
        ArgumentNullException.ThrowIfNull(traits);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfLessThan(rateHz, 1);
        _traits = traits;
        _plan = plan;
        _rate = rateHz;
        _dt = 1.0 / rateHz;
        _random = new Random(seed);
        _mountPitchCos = Math.Cos(traits.MountPitchDeg * Deg);
        _mountPitchSin = Math.Sin(traits.MountPitchDeg * Deg);
        _mountRollCos = Math.Cos(traits.MountRollDeg * Deg);
        _mountRollSin = Math.Sin(traits.MountRollDeg * Deg);
        _stepCadence = traits.CadenceHz;

        // Each event's details come from its own generator, so that they do not depend on the sample rate.
        _events = new TruthEvent?[plan.Count];
        var eventRandom = new Random(unchecked((seed * 31) + 7));
        for (var i = 0; i < plan.Count; i++)
        {
            var step = plan[i];
            var jitter = eventRandom.NextDouble();
            if (TimelineSchedule.IsNearFall(step.Activity))
            {
                var onset = step.StartSeconds + 0.3;
                var width = 0.08 + (0.05 * jitter);
                _events[i] = new TruthEvent(step.Activity, onset, onset + (width / 2), onset + 1.7, traits.NearFallHorizontalG * (0.9 + (0.2 * jitter)), default);
            }
            else if (step.Activity == ScenarioActivity.Fall)
            {
                var descent = FallDescent(step, i);
                var impact = step.StartSeconds + 0.3 + descent + 0.035;
                _events[i] = new TruthEvent(step.Activity, step.StartSeconds, impact, step.StartSeconds + TimelineSchedule.FallLeadSeconds, FallPeak(i, jitter), step.Step.Direction);
            }
        }

        var initial = TimelineSchedule.InitialPosture(plan.Select(static p => p.Step).ToList());
        _pitchBase = initial switch
        {
            TimelineSchedule.Posture.Seated => -10 * Deg,
            TimelineSchedule.Posture.Lying => -90 * Deg,
            _ => traits.StandLeanDeg * Deg,
        };
        _pitch = _pitchBase;
        _pitchStart = _pitchBase;
    }

    /// <summary>Index of the next sample.</summary>
    public long SampleIndex { get; private set; }

    /// <summary>Run time of the next sample, s.</summary>
    public double Seconds => SampleIndex * _dt;

    /// <summary>Near-falls and falls of the plan, with their onset, peak and end.</summary>
    public IEnumerable<TruthEvent> Events => _events.Where(static e => e is not null).Select(static e => e!.Value);

    /// <summary>What the wearer is doing at the next sample.</summary>
    public ScenarioActivity CurrentActivity => Current(out _, out _).Activity;

    /// <summary>Fills <paramref name="destination"/> with the next samples.</summary>
    public void Fill(Span<AccelSample> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = Next();
        }
    }

    /// <summary>The next sample.</summary>
    public AccelSample Next()
    {
        var t = Seconds;
        var step = Current(out var index, out var holding);
        if (index != _enteredStep)
        {
            _enteredStep = index;
            _pitchStart = _pitch;
            _rollStart = _roll;
        }

        var tau = t - step.StartSeconds;
        (double F, double L, double U) force = holding ? Hold(step.Activity) : step.Activity switch
        {
            ScenarioActivity.Stand => Stand(step.Step.Sway),
            ScenarioActivity.Walk => Walk(step, tau),
            ScenarioActivity.Sit => Sit(),
            ScenarioActivity.StandUp => StandUp(step, tau),
            ScenarioActivity.SitDown => SitDown(step, tau),
            ScenarioActivity.Lie => Lie(tau),
            ScenarioActivity.GetUp => GetUp(step, tau),
            ScenarioActivity.Fall => Fall(step, tau, _events[index]!.Value),
            _ => NearFall(step, tau, _events[index]!.Value),
        };

        SampleIndex++;
        return ToSensor(force);
    }

    private PlannedStep Current(out int index, out bool holding)
    {
        var t = Seconds;
        while (_stepIndex < _plan.Count && t >= _plan[_stepIndex].EndSeconds)
        {
            _stepIndex++;
        }

        holding = _stepIndex >= _plan.Count;
        index = holding ? _plan.Count : _stepIndex;
        return holding ? (_plan.Count > 0 ? _plan[^1] : new PlannedStep(new TimelineStep(ScenarioActivity.Stand), 0, double.PositiveInfinity)) : _plan[_stepIndex];
    }

    private (double, double, double) Hold(ScenarioActivity last) => last switch
    {
        ScenarioActivity.Sit or ScenarioActivity.SitDown => Sit(),
        ScenarioActivity.Lie or ScenarioActivity.Fall => Lie(double.PositiveInfinity),
        _ => Stand(SwayStyle.Profile),
    };

    private (double F, double L, double U) Stand(SwayStyle style)
    {
        var unsteady = style == SwayStyle.Unsteady;
        var steady = style == SwayStyle.Steady;
        var rms = _traits.SwayRmsDeg * Deg * (unsteady ? 2.5 : steady ? Math.Min(1, 0.4 / _traits.SwayRmsDeg) : 1);
        var damping = unsteady ? Math.Min(_traits.SwayDamping, 0.2) : steady ? Math.Max(_traits.SwayDamping, 0.6) : _traits.SwayDamping;
        var omega = 2 * Math.PI * _traits.SwayHz;
        var k = omega * omega;
        var c = 2 * damping * omega;

        // Stationary variance of x'' + c x' + k x = s w(t) is s^2 / (2 c k).
        var s = rms * Math.Sqrt(2 * c * k);
        var ap = Pendulum(ref _swayAp, ref _swayApVelocity, k, c, s);
        var ml = Pendulum(ref _swayMl, ref _swayMlVelocity, k * 1.3, c, s * 0.6);
        Settle(_traits.StandLeanDeg * Deg, 0, 0.6);
        _pitch = _pitchBase + _swayAp;
        _roll = _rollBase + _swayMl;
        var l = _traits.PendulumLengthM / Gravity;
        return (l * ap, l * ml, 1);
    }

    private double Pendulum(ref double x, ref double v, double k, double c, double s)
    {
        var a = (-k * x) - (c * v) + (s * Gaussian() / Math.Sqrt(_dt));
        v += a * _dt;
        x += v * _dt;
        return a;
    }

    private (double F, double L, double U) Walk(PlannedStep step, double tau)
    {
        // Ramp in over the first step and out over the last when the next activity is not walking.
        var gain = Math.Clamp(tau / 0.6, 0, 1);
        if (NextActivity() is not (ScenarioActivity.Walk or ScenarioActivity.Stumble or ScenarioActivity.Trip or ScenarioActivity.Slip or ScenarioActivity.Fall))
        {
            gain = Math.Min(gain, Math.Clamp((step.EndSeconds - step.StartSeconds - tau) / 0.6, 0, 1));
        }

        Settle(_traits.WalkLeanDeg * Deg, 0, 0.8);
        DecaySway();
        return Gait(step.Step.Pace, gain, 1);
    }

    private (double F, double L, double U) Gait(double pace, double gain, double intensity)
    {
        _gaitPhase += _stepCadence * pace * _dt;
        var stepNumber = (long)Math.Floor(_gaitPhase);
        if (stepNumber != _gaitStep)
        {
            _gaitStep = stepNumber;
            _stepCadence = _traits.CadenceHz * (1 + (_traits.CadenceCv * Gaussian()));
            _stepGain = 1 + (0.08 * Gaussian());
        }

        var p = _gaitPhase - stepNumber;
        var side = (stepNumber & 1) == 0 ? 1 : -1;
        var g = gain * _stepGain * intensity * Math.Sqrt(pace);
        var heel = Bump(p, 0.04, 0.035) - 0.062;
        var vertical = g * ((_traits.StepVerticalG * Math.Cos(2 * Math.PI * (p - 0.1))) + (_traits.HeelStrikeG * heel));
        var ap = g * ((_traits.StepApG * Math.Sin(2 * Math.PI * (p - 0.15))) - (0.5 * _traits.HeelStrikeG * (Bump(p, 0.05, 0.03) - 0.053)));
        var ml = g * side * _traits.StepMlG * Math.Sin(Math.PI * p);
        _pitch = _pitchBase + (gain * 2 * Deg * Math.Sin(2 * Math.PI * p));
        _roll = _rollBase + (gain * side * 2 * Deg * Math.Sin(Math.PI * p));
        return (ap, ml, 1 + vertical);
    }

    private (double F, double L, double U) NearFall(PlannedStep step, double tau, TruthEvent truth)
    {
        var onset = truth.StartSeconds - step.StartSeconds;
        var width = 2 * (truth.PeakSeconds - truth.StartSeconds);
        var recovery = Math.Clamp((tau - onset - width) / 1.2, 0, 1);

        // Recovery steps are quicker and larger, easing back to the usual gait.
        var quick = tau > onset + width ? 1 + (0.35 * (1 - recovery)) : 1;
        var force = Gait(quick, 1, tau > onset + width ? 1 + (0.5 * (1 - recovery)) : 1);

        // Trunk excursion: out in 0.3 s, back over about a second.
        var sign = step.Activity == ScenarioActivity.Slip ? -1 : 1;
        var excursion = tau < onset ? 0 : tau < onset + 0.3 ? Math.Sin(Math.PI / 2 * (tau - onset) / 0.3) : Math.Max(0, 1 - ((tau - onset - 0.3) / 1.0));
        Settle(_traits.WalkLeanDeg * Deg, 0, 0.8);
        _pitch += sign * excursion * _traits.NearFallTiltDeg * Deg;

        var s = (tau - onset) / width;
        if (s is >= 0 and < 1)
        {
            var pulse = Math.Sin(Math.PI * s);
            var h = truth.PeakG;
            var v = _traits.NearFallVerticalRatio * h;
            var lateral = (_traits.NearFallVerticalRatio - 0.45) * h;
            switch (step.Activity)
            {
                case ScenarioActivity.Trip:
                    // The foot is caught: a brief backward pull, then the trunk is thrown forward.
                    force.F += h * (s < 0.3 ? -0.4 * Math.Sin(Math.PI * s / 0.3) : Math.Sin(Math.PI * (s - 0.3) / 0.7));
                    force.U += v * pulse;
                    force.L += lateral * pulse;
                    break;
                case ScenarioActivity.Slip:
                    force.F -= h * pulse;
                    force.U += v * pulse;
                    force.L -= lateral * pulse;
                    break;
                default:
                    force.F += h * pulse;
                    force.U += v * pulse;
                    force.L += lateral * pulse;
                    break;
            }
        }
        else if (step.Activity == ScenarioActivity.Slip && tau >= onset - 0.15 && tau < onset)
        {
            // The feet slide out: the pelvis drops for a moment before the catch.
            force.U -= 0.5 * Math.Sin(Math.PI * (tau - onset + 0.15) / 0.15);
        }

        return force;
    }

    private (double F, double L, double U) Fall(PlannedStep step, double tau, TruthEvent truth)
    {
        var direction = truth.Direction;
        var (pitchTarget, rollTarget) = direction switch
        {
            FallDirection.Forward => (88 * Deg, 0.0),
            FallDirection.Backward => (-88 * Deg, 0.0),
            FallDirection.Left => (10 * Deg, 85 * Deg),
            _ => (10 * Deg, -85 * Deg),
        };
        var impactStart = truth.PeakSeconds - 0.035 - step.StartSeconds;
        var descentStart = 0.3;
        var descent = impactStart - descentStart;
        var previous = PreviousActivity();
        (double F, double L, double U) force;

        if (tau < descentStart)
        {
            // Loss of balance: from walking a stumble-like jolt; from standing or sitting a sway that grows.
            force = previous is ScenarioActivity.Walk ? Gait(1, 1, 1) : (0, 0, 1);
            var s = tau / descentStart;
            force.F += (previous is ScenarioActivity.Walk ? 1.2 : 0.3) * Math.Sin(Math.PI * s) * Sign(direction);
            _pitch = _pitchStart + (0.1 * s * (pitchTarget - _pitchStart));
            _roll = _rollStart + (0.1 * s * (rollTarget - _rollStart));
        }
        else if (tau < impactStart)
        {
            // Pre-impact: the body falls (specific force well below 1 g) while the trunk rotates towards the floor.
            var s = (tau - descentStart) / descent;
            var rotation = 0.1 + (0.9 * s * s);
            _pitch = _pitchStart + (rotation * (pitchTarget - _pitchStart));
            _roll = _rollStart + (rotation * (rollTarget - _rollStart));
            var unload = 0.65 * Math.Sin(Math.PI * Math.Min(1, s * 1.1));
            force = (0.25 * Sign(direction) * s, 0, 1 - unload);
            force.L += direction == FallDirection.Left ? 0.2 * s : direction == FallDirection.Right ? -0.2 * s : 0;
        }
        else if (tau < impactStart + 0.4)
        {
            // Impact, then a damped rebound.
            _pitch = pitchTarget;
            _roll = rollTarget;
            var k = tau - impactStart;
            var spike = k < 0.07 ? Math.Sin(Math.PI * k / 0.07) : 0;
            var rebound = k >= 0.07 ? 0.25 * Math.Exp(-(k - 0.07) / 0.08) * Math.Sin(2 * Math.PI * 8 * (k - 0.07)) : 0;
            var peak = truth.PeakG;
            force = (0.3 * peak * spike * Sign(direction), 0.15 * peak * spike, 1 + ((peak - 1) * spike) + (peak * rebound));
        }
        else
        {
            // On the floor: some movement that dies away, then stillness.
            var k = tau - impactStart - 0.4;
            var stillAt = TimelineSchedule.FallLeadSeconds - impactStart - 0.4;
            var activity = k < stillAt ? 0.06 * (1 - (k / stillAt)) : 0;
            _pitch = pitchTarget + (activity * 0.5 * Gaussian());
            _roll = rollTarget + (activity * 0.5 * Gaussian());
            force = (activity * Gaussian(), activity * Gaussian(), 1 + (activity * Gaussian()));
        }

        _pitchBase = _pitch;
        _rollBase = _roll;
        return force;
    }

    private (double F, double L, double U) Sit()
    {
        Settle(-10 * Deg, 0, 0.8);
        DecaySway();
        _pitch = _pitchBase + (0.002 * Gaussian());
        _roll = _rollBase;
        return (0.004 * Gaussian(), 0.004 * Gaussian(), 1);
    }

    private (double F, double L, double U) StandUp(PlannedStep step, double tau)
    {
        var s = Math.Clamp(tau / step.Seconds, 0, 1);
        var flexion = _traits.TransferFlexionDeg * Deg;
        var lean = _traits.StandLeanDeg * Deg;

        // Flex forward to the seat-off at 40 %, then extend to upright.
        _pitch = s < 0.4 ? _pitchStart + ((flexion - _pitchStart) * Smooth(s / 0.4)) : flexion + ((lean - flexion) * Smooth((s - 0.4) / 0.6));
        _roll = _rollStart * (1 - s);
        _pitchBase = _pitch;
        _rollBase = _roll;
        var push = Bump(s, 0.5, 0.1) - (0.6 * Bump(s, 0.75, 0.08));
        var forward = 0.6 * _traits.TransferG * Math.Sin(2 * Math.PI * Math.Min(s / 0.7, 1));
        return (forward, 0.01 * Gaussian(), 1 + (_traits.TransferG * push));
    }

    private (double F, double L, double U) SitDown(PlannedStep step, double tau)
    {
        var s = Math.Clamp(tau / step.Seconds, 0, 1);
        var flexion = _traits.TransferFlexionDeg * Deg;
        var seated = -10 * Deg;
        _pitch = s < 0.5 ? _pitchStart + ((flexion - _pitchStart) * Smooth(s / 0.5)) : flexion + ((seated - flexion) * Smooth((s - 0.5) / 0.5));
        _roll = _rollStart * (1 - s);
        _pitchBase = _pitch;
        _rollBase = _roll;

        // Lowering (less than 1 g), braking, and landing on the seat.
        var vertical = (-0.5 * _traits.TransferG * Bump(s, 0.35, 0.1)) + (_traits.TransferG * 2.2 * Bump(s, 0.62, 0.012));
        var forward = -0.5 * _traits.TransferG * Math.Sin(2 * Math.PI * Math.Min(s / 0.7, 1));
        return (forward, 0.01 * Gaussian(), 1 + vertical);
    }

    private (double F, double L, double U) Lie(double tau)
    {
        var lying = Math.Abs(_pitchBase) > 60 * Deg || Math.Abs(_rollBase) > 60 * Deg;
        if (!lying || (tau < 3 && Math.Abs(_pitchStart) < 60 * Deg && Math.Abs(_rollStart) < 60 * Deg))
        {
            // Lying down on the back from upright or sitting, over 3 s.
            var s = Math.Clamp(tau / 3, 0, 1);
            _pitchBase = _pitchStart + ((-90 * Deg - _pitchStart) * Smooth(s));
            _rollBase = _rollStart * (1 - s);
        }

        _pitch = _pitchBase;
        _roll = _rollBase;
        return (0.002 * Gaussian(), 0.002 * Gaussian(), 1);
    }

    private (double F, double L, double U) GetUp(PlannedStep step, double tau)
    {
        var s = Math.Clamp(tau / step.Seconds, 0, 1);
        var lean = _traits.StandLeanDeg * Deg;

        // Roll and sit up (first half), kneel and push up (to 80 %), then stand.
        var target1 = 40 * Deg;
        _pitch = s < 0.5 ? _pitchStart + ((target1 - _pitchStart) * Smooth(s / 0.5)) : target1 + ((lean - target1) * Smooth((s - 0.5) / 0.5));
        _roll = _rollStart * (1 - Smooth(Math.Min(1, s / 0.5)));
        _pitchBase = _pitch;
        _rollBase = _roll;
        var effort = 0.08 * Math.Sin(Math.PI * s);
        var push = 0.3 * Bump(s, 0.7, 0.08);
        return (effort * Gaussian(), effort * Gaussian(), 1 + push + (effort * Gaussian()));
    }

    private AccelSample ToSensor((double F, double L, double U) f)
    {
        // Trunk axes in the world (forward, left, up) after pitch (forward lean positive) then roll (to the left positive).
        var (sp, cp) = Math.SinCos(_pitch);
        var (sr, cr) = Math.SinCos(_roll);
        double upF = cr * sp, upL = sr, upU = cr * cp;
        double fwF = cp, fwL = 0, fwU = -sp;
        double leF = -sr * sp, leL = cr, leU = -sr * cp;
        var y = (f.F * upF) + (f.L * upL) + (f.U * upU);
        var z = (f.F * fwF) + (f.L * fwL) + (f.U * fwU);
        var x = (f.F * leF) + (f.L * leL) + (f.U * leU);

        // Soft-tissue wobble (slow) and sensor noise (white).
        _wobbleX += 0.05 * ((_traits.NoiseG * Gaussian()) - _wobbleX);
        _wobbleZ += 0.05 * ((_traits.NoiseG * Gaussian()) - _wobbleZ);
        x += _wobbleX + (_traits.NoiseG * Gaussian());
        y += _traits.NoiseG * Gaussian();
        z += _wobbleZ + (_traits.NoiseG * Gaussian());

        // The clip: pitch about X, then roll about Z.
        var y1 = (_mountPitchCos * y) - (_mountPitchSin * z);
        var z1 = (_mountPitchSin * y) + (_mountPitchCos * z);
        var x2 = (_mountRollCos * x) - (_mountRollSin * y1);
        var y2 = (_mountRollSin * x) + (_mountRollCos * y1);
        return new AccelSample((float)x2, (float)y2, (float)z1);
    }

    private void Settle(double pitchTarget, double rollTarget, double timeConstant)
    {
        var a = _dt / (timeConstant + _dt);
        _pitchBase += a * (pitchTarget - _pitchBase);
        _rollBase += a * (rollTarget - _rollBase);
    }

    private void DecaySway()
    {
        var a = _dt / (0.5 + _dt);
        _swayAp -= a * _swayAp;
        _swayMl -= a * _swayMl;
        _swayApVelocity -= a * _swayApVelocity;
        _swayMlVelocity -= a * _swayMlVelocity;
    }

    private ScenarioActivity? NextActivity() => _stepIndex + 1 < _plan.Count ? _plan[_stepIndex + 1].Activity : null;

    private ScenarioActivity? PreviousActivity()
    {
        for (var i = _stepIndex - 1; i >= 0; i--)
        {
            if (!TimelineSchedule.IsNearFall(_plan[i].Activity))
            {
                return _plan[i].Activity;
            }
        }

        return null;
    }

    private double FallDescent(PlannedStep step, int index)
    {
        var previous = index > 0 ? _plan[index - 1].Activity : ScenarioActivity.Stand;
        var scale = previous is ScenarioActivity.Sit or ScenarioActivity.SitDown or ScenarioActivity.StandUp ? 0.6 : 1;
        return _traits.FallDescentSeconds * scale;
    }

    private double FallPeak(int index, double jitter)
    {
        var previous = index > 0 ? _plan[index - 1].Activity : ScenarioActivity.Stand;
        var scale = previous is ScenarioActivity.Sit or ScenarioActivity.SitDown or ScenarioActivity.StandUp ? 0.7 : 1;
        return Math.Max(2.6, _traits.FallImpactG * scale * (0.9 + (0.2 * jitter)));
    }

    private static double Sign(FallDirection direction) => direction switch
    {
        FallDirection.Forward => 1,
        FallDirection.Backward => -1,
        _ => 0,
    };

    private static double Bump(double x, double centre, double width)
    {
        var d = (x - centre) / width;
        return Math.Exp(-d * d);
    }

    private static double Smooth(double s)
    {
        s = Math.Clamp(s, 0, 1);
        return s * s * (3 - (2 * s));
    }

    private double Gaussian()
    {
        // Box-Muller from the seeded generator keeps runs reproducible.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
