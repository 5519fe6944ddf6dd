namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>What a scenario fault does to a wearable's stream.</summary>
public enum FaultKind : byte
{
    /// <summary>Frames in the window are never sent (a burst, or random frames with a probability).</summary>
    Loss = 0,

    /// <summary>Frames in the window are sent twice (every one, or with a probability).</summary>
    Duplicate = 1,

    /// <summary>Frames in the window are swapped with the next frame (with a probability).</summary>
    Reorder = 2,

    /// <summary>The connection drops (the broker sends the will) and comes back after the window.</summary>
    Disconnect = 3,

    /// <summary>The device clock runs fast or slow by some parts per million from the start of the window.</summary>
    ClockDrift = 4,

    /// <summary>The device clock jumps by an offset at the start of the window.</summary>
    ClockJump = 5,

    /// <summary>Samples in the window clip at a limit below the real motion (sensor saturation).</summary>
    Saturation = 6,

    /// <summary>One axis repeats its last value through the window.</summary>
    StuckAxis = 7,

    /// <summary>The battery drops to a low level at the start of the window.</summary>
    LowBattery = 8,

    /// <summary>Malformed payloads are published on the accel topic besides the real frames.</summary>
    Malformed = 9,
}
