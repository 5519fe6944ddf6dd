using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Influx.LineProtocol;

/// <summary>
/// One point waiting to be formatted: the store formats it into a stack buffer and, if it does not fit,
/// again into a pooled one. Structs with a generic constraint, so neither a delegate nor a closure is allocated.
/// </summary>
internal interface IPointWriter
{
    /// <summary>Writes the point's line; the length, or -1 when <paramref name="destination"/> is too small.</summary>
    int Write(Span<byte> destination);
}

internal readonly struct EventPointWriter(string facility, string deviceId, StabilityEvent stabilityEvent) : IPointWriter
{
    public int Write(Span<byte> destination) => PointFormatter.WriteEvent(destination, facility, deviceId, in stabilityEvent);
}

internal readonly struct DeviceEventPointWriter(string facility, string deviceId, string kind, long timeMicros, byte severity, string? note) : IPointWriter
{
    public int Write(Span<byte> destination) => PointFormatter.WriteDeviceEvent(destination, facility, deviceId, kind, timeMicros, severity, note);
}

internal readonly struct WindowPointWriter(string facility, string deviceId, SwayMetrics metrics) : IPointWriter
{
    public int Write(Span<byte> destination) => PointFormatter.WriteWindow(destination, facility, deviceId, in metrics);
}

internal readonly struct QualityPointWriter(string facility, string deviceId, DeviceQuality quality) : IPointWriter
{
    public int Write(Span<byte> destination) => PointFormatter.WriteQuality(destination, facility, deviceId, in quality);
}
