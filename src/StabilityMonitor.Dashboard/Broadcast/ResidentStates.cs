using StabilityMonitor.Dashboard.Contract;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Dashboard.Broadcast;

/// <summary>Turns the pipeline's device snapshots and sway windows into the dashboard's shapes.</summary>
internal static class ResidentStates
{
    private const float MgPerMs2 = 1000f / 9.80665f;

    public static ResidentState From(Guid residentId, DeviceSnapshot device) => new(
        residentId,
        device.DeviceId,
        device.Online,
        device.Posture.ToString().ToLowerInvariant(),
        device.Activity.ToString().ToLowerInvariant(),
        device.Battery,
        device.LastSeen);

    /// <summary>Whether the page would show something different (battery compared in whole percent, so its noise sends nothing).</summary>
    public static bool Differs(ResidentState? sent, ResidentState now) =>
        sent is null
        || sent.ResidentId != now.ResidentId
        || sent.Online != now.Online
        || sent.Posture != now.Posture
        || sent.Activity != now.Activity
        || Percent(sent.Battery) != Percent(now.Battery);

    /// <summary>AP and ML RMS combined (root of the sum of squares), mg.</summary>
    public static float SwayMg(in SwayMetrics metrics) => MathF.Sqrt((metrics.RmsAp * metrics.RmsAp) + (metrics.RmsMl * metrics.RmsMl)) * MgPerMs2;

    public static ResidentMetrics Metrics(Guid residentId, DeviceWindow window) => new(
        residentId,
        SwayMg(window.Metrics),
        window.Metrics.TiltDeg,
        DateTimeOffset.UnixEpoch.AddTicks(window.Metrics.EndMicros * 10));

    private static int? Percent(float? battery) => battery is { } b ? (int)MathF.Round(b * 100) : null;
}
