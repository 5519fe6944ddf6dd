namespace StabilityMonitor.Simulation;

/// <summary>
/// How one simulated wearer moves. All accelerations in g. <see cref="Random(int)"/> draws a plausible older adult
/// from a seed, so a ward of different wearers is reproducible.
/// </summary>
public sealed record WearerProfile
{
    /// <summary>Amplitude of antero-posterior postural sway while standing, g. Default 0.008 g.</summary>
    public double SwayG { get; init; } = 0.008;

    /// <summary>Main frequency of standing sway, Hz. Default 0.5 Hz.</summary>
    public double SwayHz { get; init; } = 0.5;

    /// <summary>Steps per second while walking. Default 1.8.</summary>
    public double CadenceHz { get; init; } = 1.8;

    /// <summary>Vertical acceleration amplitude of a step, g. Default 0.32 g.</summary>
    public double StepVerticalG { get; init; } = 0.32;

    /// <summary>Antero-posterior acceleration amplitude of a step, g. Default 0.2 g.</summary>
    public double StepApG { get; init; } = 0.2;

    /// <summary>Sensor and soft-tissue noise, standard deviation in g. Default 0.003 g.</summary>
    public double NoiseG { get; init; } = 0.003;

    /// <summary>Horizontal peak of this wearer's stumbles, g. Default 3.5 g.</summary>
    public double StumbleHorizontalG { get; init; } = 3.5;

    /// <summary>Vertical peak of this wearer's stumbles, g. Default 1.6 g.</summary>
    public double StumbleVerticalG { get; init; } = 1.6;

    /// <summary>Impact peak of this wearer's falls, g. Default 4 g.</summary>
    public double FallImpactG { get; init; } = 4.0;

    /// <summary>How far the device sits pitched forward in its clip, degrees. Default 0°.</summary>
    public double MountPitchDeg { get; init; }

    /// <summary>A wearer drawn from <paramref name="seed"/>: every parameter varies within a plausible range.</summary>
    public static WearerProfile Random(int seed)
    {
        var r = new Random(seed);
        double Between(double min, double max) => min + ((max - min) * r.NextDouble());
        return new WearerProfile
        {
            SwayG = Between(0.004, 0.015),
            SwayHz = Between(0.3, 0.9),
            CadenceHz = Between(1.5, 2.0),
            StepVerticalG = Between(0.25, 0.4),
            StepApG = Between(0.14, 0.25),
            NoiseG = Between(0.002, 0.005),
            StumbleHorizontalG = Between(3.0, 4.2),
            StumbleVerticalG = Between(1.2, 1.8),
            FallImpactG = Between(3.2, 5.0),
            MountPitchDeg = Between(-12, 12),
        };
    }
}
