namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Sitting or standing, as the last sit/stand transition said (<see cref="DeviceProcessor.Seated"/>). A body
/// position beside the tilt <see cref="Posture"/>: a seated trunk is upright too.
/// </summary>
public enum SitStand : byte
{
    /// <summary>No transition, walk or getting up from lying seen yet.</summary>
    Unknown = 0,
    Standing = 1,
    Sitting = 2,
}
