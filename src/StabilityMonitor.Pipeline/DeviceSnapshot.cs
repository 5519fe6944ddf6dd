using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline;

/// <summary>The state of one device at a moment, for the API.</summary>
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
    DeviceQuality Quality);
