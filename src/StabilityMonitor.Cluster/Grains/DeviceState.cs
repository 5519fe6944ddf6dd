using StabilityMonitor.Pipeline;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Cluster.Grains;

/// <summary>A <see cref="DeviceSnapshot"/> as it travels from the node holding the wearable to the node asking.</summary>
[GenerateSerializer]
[Immutable]
public sealed record DeviceState(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] bool Online,
    [property: Id(2)] DateTimeOffset? LastSeen,
    [property: Id(3)] long? LastDeviceTimeMicros,
    [property: Id(4)] int Posture,
    [property: Id(5)] int Activity,
    [property: Id(6)] float TiltDeg,
    [property: Id(7)] int? RateHz,
    [property: Id(8)] float? Battery,
    [property: Id(9)] string? Firmware,
    [property: Id(10)] long Events,
    [property: Id(11)] long ProcessorResets,
    [property: Id(12)] long[] Quality,
    [property: Id(13)] DateTimeOffset? QuarantinedUntil,
    [property: Id(14)] long? ClockOffsetMicros)
{
    public static DeviceState From(DeviceSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var q = s.Quality;
        return new DeviceState(
            s.DeviceId, s.Online, s.LastSeen, s.LastDeviceTimeMicros, (int)s.Posture, (int)s.Activity, s.TiltDeg, s.RateHz, s.Battery, s.Firmware,
            s.Events, s.ProcessorResets, [q.Frames, q.Samples, q.Lost, q.Duplicates, q.Reordered, q.Late, q.ClockJumps, q.Restarts, q.Rejected],
            s.QuarantinedUntil, s.ClockOffsetMicros);
    }

    public DeviceSnapshot ToSnapshot() => new(
        DeviceId, Online, LastSeen, LastDeviceTimeMicros, (Posture)Posture, (Activity)Activity, TiltDeg, RateHz, Battery, Firmware, Events, ProcessorResets,
        new DeviceQuality(Quality[0], Quality[1], Quality[2], Quality[3], Quality[4], Quality[5], Quality[6], Quality[7], Quality[8]),
        QuarantinedUntil, ClockOffsetMicros);
}
