namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>
/// How one simulated wearer moves, drawn from a seed within the ranges of its <see cref="WearerKind"/>.
/// Accelerations in g, angles in degrees, frequencies in Hz. Ranges were set against SisFall recordings
/// (see docs/simulator.md, "How close the models are").
/// </summary>
public sealed record WearerTraits
{
    /// <summary>RMS of antero-posterior sway angle while standing quietly, degrees.</summary>
    public double SwayRmsDeg { get; init; } = 0.4;

    /// <summary>Natural frequency of the stabilised inverted pendulum, Hz.</summary>
    public double SwayHz { get; init; } = 0.35;

    /// <summary>Damping ratio of standing sway (lower: more oscillatory).</summary>
    public double SwayDamping { get; init; } = 0.6;

    /// <summary>Height of the sensor above the ankles (pendulum length), m.</summary>
    public double PendulumLengthM { get; init; } = 0.95;

    /// <summary>Forward lean while standing, degrees.</summary>
    public double StandLeanDeg { get; init; } = 3;

    /// <summary>Steps per second.</summary>
    public double CadenceHz { get; init; } = 1.8;

    /// <summary>Step-to-step variation of the cadence (coefficient of variation).</summary>
    public double CadenceCv { get; init; } = 0.03;

    /// <summary>Vertical acceleration amplitude of a step, g.</summary>
    public double StepVerticalG { get; init; } = 0.28;

    /// <summary>Heel-strike transient on top of the step, g.</summary>
    public double HeelStrikeG { get; init; } = 0.3;

    /// <summary>Antero-posterior acceleration amplitude of a step, g.</summary>
    public double StepApG { get; init; } = 0.15;

    /// <summary>Medio-lateral acceleration amplitude (at stride frequency), g.</summary>
    public double StepMlG { get; init; } = 0.08;

    /// <summary>Forward lean while walking, degrees.</summary>
    public double WalkLeanDeg { get; init; } = 6;

    /// <summary>Horizontal peak of a near-fall's jolt, g.</summary>
    public double NearFallHorizontalG { get; init; } = 3.2;

    /// <summary>Vertical peak of a near-fall's jolt as a fraction of the horizontal peak.</summary>
    public double NearFallVerticalRatio { get; init; } = 0.6;

    /// <summary>Largest trunk excursion during a near-fall, degrees.</summary>
    public double NearFallTiltDeg { get; init; } = 20;

    /// <summary>Impact peak of a fall (specific force magnitude), g.</summary>
    public double FallImpactG { get; init; } = 4.5;

    /// <summary>Duration of the pre-impact descent of a fall from standing, s.</summary>
    public double FallDescentSeconds { get; init; } = 0.65;

    /// <summary>Peak vertical acceleration of a sit-to-stand or stand-to-sit transfer, g.</summary>
    public double TransferG { get; init; } = 0.3;

    /// <summary>Largest trunk flexion during a transfer, degrees.</summary>
    public double TransferFlexionDeg { get; init; } = 35;

    /// <summary>How far the device sits pitched in its clip, degrees.</summary>
    public double MountPitchDeg { get; init; }

    /// <summary>How far the device sits rolled in its clip, degrees.</summary>
    public double MountRollDeg { get; init; }

    /// <summary>Sensor noise, standard deviation per axis, g.</summary>
    public double NoiseG { get; init; } = 0.004;

    /// <summary>A wearer drawn from <paramref name="seed"/>: every trait varies within the range of <paramref name="kind"/>.</summary>
    public static WearerTraits Draw(WearerKind kind, int seed)
    {
        var r = new Random(seed);
        double Between(double min, double max) => min + ((max - min) * r.NextDouble());
        var unsteady = kind == WearerKind.Unsteady;
        return new WearerTraits
        {
            SwayRmsDeg = unsteady ? Between(0.8, 1.5) : Between(0.25, 0.55),
            SwayHz = Between(0.25, 0.5),
            SwayDamping = unsteady ? Between(0.15, 0.3) : Between(0.45, 0.8),
            PendulumLengthM = Between(0.85, 1.05),
            StandLeanDeg = Between(0, 6),
            CadenceHz = unsteady ? Between(1.45, 1.75) : Between(1.65, 2.0),
            CadenceCv = unsteady ? Between(0.04, 0.07) : Between(0.015, 0.035),
            StepVerticalG = unsteady ? Between(0.16, 0.26) : Between(0.22, 0.34),
            HeelStrikeG = unsteady ? Between(0.3, 0.55) : Between(0.45, 0.8),
            StepApG = Between(0.1, 0.2),
            StepMlG = unsteady ? Between(0.07, 0.12) : Between(0.05, 0.09),
            WalkLeanDeg = Between(3, 10),
            NearFallHorizontalG = Between(2.3, 3.5),
            NearFallVerticalRatio = Between(0.45, 0.75),
            NearFallTiltDeg = Between(12, 24),
            FallImpactG = unsteady ? Between(3.6, 6.5) : Between(4.2, 8.0),
            FallDescentSeconds = Between(0.5, 0.8),
            TransferG = unsteady ? Between(0.25, 0.4) : Between(0.3, 0.55),
            TransferFlexionDeg = Between(25, 45),
            MountPitchDeg = Between(-10, 10),
            MountRollDeg = Between(-5, 5),
            NoiseG = Between(0.003, 0.007),
        };
    }
}
