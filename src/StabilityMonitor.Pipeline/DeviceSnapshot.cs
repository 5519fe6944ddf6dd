using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline;

/// <summary>The state of one device at a moment, for the API.</summary>
/// <remarks>
/// <c>QuarantinedUntil</c> is set while the device's frames are rejected because processing them failed (wall clock).
/// <c>ClockOffsetMicros</c>: the last frame's device time minus its arrival time (saturating); null before a frame.
/// </remarks>
public sealed record DeviceSnapshot(
    string DeviceId,
    bool Online,
    DateTimeOffset? LastSeen,
    long? LastDeviceTimeMicros,
    Posture Posture,
    Activity Activity,
    float TiltDeg,
    int? RateHz,
    float? Battery,
    string? Firmware,
    long Events,
    long ProcessorResets,
    DeviceQuality Quality,
    DateTimeOffset? QuarantinedUntil = null,
    long? ClockOffsetMicros = null);
