namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>One fault of a scenario, in run time (s from the start of the run).</summary>
/// <param name="Kind">What it does.</param>
/// <param name="StartSeconds">Start of the window, s.</param>
/// <param name="EndSeconds">End of the window, s; <see cref="double.PositiveInfinity"/> = to the end of the run.</param>
/// <param name="Line">Line in the scenario file (1-based), 0 when built in code.</param>
public sealed record FaultSpec(FaultKind Kind, double StartSeconds, double EndSeconds, int Line = 0)
{
    /// <summary>Loss, duplicate, reorder, malformed: chance per frame, 0..1; null = every frame (loss, duplicate) or 0.5 (reorder).</summary>
    public double? Probability { get; init; }

    /// <summary>Malformed: how many payloads, spread evenly over the window. Default one per frame when neither this nor a probability is given.</summary>
    public int? Count { get; init; }

    /// <summary>Clock drift, parts per million (positive: the device clock runs fast).</summary>
    public double Ppm { get; init; }

    /// <summary>Clock jump, s (may be negative).</summary>
    public double OffsetSeconds { get; init; }

    /// <summary>Saturation: magnitude at which every axis clips, g. Default 2 g.</summary>
    public double LimitG { get; init; } = 2;

    /// <summary>Stuck axis: 0 = x, 1 = y, 2 = z.</summary>
    public int Axis { get; init; }

    /// <summary>Low battery: the level it drops to, 0..1. Default 0.05.</summary>
    public double Level { get; init; } = 0.05;

    /// <summary>Disconnect: whether frames made while offline are kept and sent on reconnect (firmware outbox). Default true.</summary>
    public bool Buffer { get; init; } = true;

    /// <summary>Whether the window covers run time <paramref name="seconds"/>.</summary>
    public bool Covers(double seconds) => seconds >= StartSeconds && seconds < EndSeconds;
}
