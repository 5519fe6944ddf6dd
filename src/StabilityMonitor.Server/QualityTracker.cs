using StabilityMonitor.Pipeline;
using StoreQuality = StabilityMonitor.Influx.DeviceQuality;

namespace StabilityMonitor.Server;

/// <summary>
/// Turns the pipeline's cumulative per-device counters into per-interval quality points. The baseline of a device
/// moves only when its point was stored, so an interval that could not be stored is folded into the next one, and
/// a device whose device time did not advance gets no point (its timestamp would overwrite the previous one).
/// Used by one task at a time.
/// </summary>
internal sealed class QualityTracker
{
    private readonly Dictionary<string, Baseline> _baselines = new(StringComparer.Ordinal);

    /// <summary>The quality of <paramref name="device"/> since its last stored point; false when there is nothing new.</summary>
    public bool TryNext(DeviceSnapshot device, out StoreQuality quality)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!_baselines.TryGetValue(device.DeviceId, out var last))
        {
            last = new Baseline(long.MinValue, 0, 0, 0);
        }

        if (device.LastDeviceTimeMicros is not { } end || end <= last.EndMicros)
        {
            quality = default;
            return false;
        }

        var q = device.Quality;
        quality = new StoreQuality(
            end,
            Delta(q.Samples, last.Samples),
            Delta(device.ProcessorResets, last.Resets),
            Delta(q.Rejected, last.Rejected),
            device.RateHz is { } rate ? rate : float.NaN,
            device.Battery is { } battery ? battery * 100f : float.NaN);
        return true;
    }

    /// <summary>Forgets devices that are no longer in the pipeline's table (evicted), so the baselines stay bounded by it.</summary>
    public void Retain(IReadOnlyList<DeviceSnapshot> devices)
    {
        if (_baselines.Count <= devices.Count)
        {
            return;
        }

        var current = new HashSet<string>(devices.Select(static d => d.DeviceId), StringComparer.Ordinal);
        foreach (var id in _baselines.Keys.Where(id => !current.Contains(id)).ToList())
        {
            _baselines.Remove(id);
        }
    }

    /// <summary>Moves the baseline of <paramref name="device"/> to the counters its last point was made from.</summary>
    public void Commit(DeviceSnapshot device)
    {
        ArgumentNullException.ThrowIfNull(device);
        _baselines[device.DeviceId] = new Baseline(
            device.LastDeviceTimeMicros ?? long.MinValue, device.Quality.Samples, device.ProcessorResets, device.Quality.Rejected);
    }

    private static int Delta(long now, long before) => (int)Math.Clamp(now - before, 0, int.MaxValue);

    private readonly record struct Baseline(long EndMicros, long Samples, long Resets, long Rejected);
}
