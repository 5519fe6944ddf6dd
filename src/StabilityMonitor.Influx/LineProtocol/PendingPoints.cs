using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Influx.LineProtocol;

/// <summary>
/// One point waiting to be formatted: the store formats it into a stack buffer and, if it does not fit,
/// again into a pooled one. Structs with a generic constraint, so neither a delegate nor a closure is allocated.
/// </summary>
internal interface IPendingPoint
{
    /// <summary>Writes the point's line; the length, or -1 when <paramref name="destination"/> is too small.</summary>
    int Write(Span<byte> destination);
}

internal readonly struct PendingEvent(string facility, string deviceId, StabilityEvent stabilityEvent, long clockShiftMicros) : IPendingPoint
{
    public int Write(Span<byte> destination) => PointFormatter.WriteEvent(destination, facility, deviceId, in stabilityEvent, clockShiftMicros);
}

internal readonly struct PendingDeviceEvent(string facility, string deviceId, string kind, long timeMicros, byte severity, string? note) : IPendingPoint
{
    public int Write(Span<byte> destination) => PointFormatter.WriteDeviceEvent(destination, facility, deviceId, kind, timeMicros, severity, note);
}

internal readonly struct PendingWindow(string facility, string deviceId, SwayMetrics metrics, long clockShiftMicros) : IPendingPoint
{
    public int Write(Span<byte> destination) => PointFormatter.WriteWindow(destination, facility, deviceId, in metrics, clockShiftMicros);
}

internal readonly struct PendingQuality(string facility, string deviceId, DeviceQuality quality) : IPendingPoint
{
    public int Write(Span<byte> destination) => PointFormatter.WriteQuality(destination, facility, deviceId, in quality);
}
