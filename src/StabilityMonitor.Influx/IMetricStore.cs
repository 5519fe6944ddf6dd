using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Influx;

/// <summary>
/// Port through which the live pipeline stores events and metrics. A point counts as accepted when the returned
/// task completes: it is then in the local write-ahead journal and will reach the server, in order, however long
/// the server is away or however often this process restarts. The fast path completes synchronously without
/// allocating. When the journal is full the task waits (back-pressure); the cancellation token bounds
/// that wait, and a cancelled append was not stored. Events have a reserve of journal space that metrics cannot use.
/// Facility and device id are tags: 1..64 characters each. Thread-safe.
/// </summary>
public interface IMetricStore
{
    /// <summary>Points accepted and not yet acknowledged by the server.</summary>
    long BacklogPoints { get; }

    /// <summary>
    /// A detector event (kind <c>near_fall</c>, <c>fall</c> or <c>sway_elevated</c>), stamped with its device time,
    /// unless the device clock is further than <see cref="InfluxOptions.MaxDeviceClockSkew"/> from
    /// <paramref name="arrivalMicros"/>: then all its times are shifted so the decision time is the arrival time, and
    /// the device's onset time is kept in the field <c>device_time_us</c>.
    /// </summary>
    /// <param name="facility">Facility tag.</param>
    /// <param name="deviceId">Device tag.</param>
    /// <param name="stabilityEvent">The event, in device time.</param>
    /// <param name="arrivalMicros">Server time (Unix µs) at which the frame that completed the decision arrived; 0 when unknown (no check).</param>
    /// <param name="cancellationToken">Bounds a back-pressure wait.</param>
    ValueTask AppendEventAsync(
        string facility, string deviceId, in StabilityEvent stabilityEvent, long arrivalMicros = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Any other event of a device (<see cref="StoreEventKinds"/>: <c>offline</c>, <c>low_battery</c>,
    /// <c>acknowledged</c>, ...), with an optional note of at most 256 characters.
    /// </summary>
    /// <param name="facility">Facility tag.</param>
    /// <param name="deviceId">Device tag.</param>
    /// <param name="kind">1..32 characters of <c>[a-z0-9_]</c>.</param>
    /// <param name="timeMicros">Device time if the device reported it, else the server's receive time; Unix microseconds.</param>
    /// <param name="severity">0..3.</param>
    /// <param name="note">Free text, or null.</param>
    /// <param name="cancellationToken">Bounds a back-pressure wait.</param>
    ValueTask AppendDeviceEventAsync(
        string facility, string deviceId, string kind, long timeMicros, byte severity, string? note = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sway metrics of one analysis window, stamped with the window's end, or with <paramref name="arrivalMicros"/>
    /// when the device clock is further than <see cref="InfluxOptions.MaxDeviceClockSkew"/> from it (the device's end
    /// time is then kept in the field <c>device_time_us</c>).
    /// </summary>
    /// <param name="facility">Facility tag.</param>
    /// <param name="deviceId">Device tag.</param>
    /// <param name="metrics">The window, in device time.</param>
    /// <param name="arrivalMicros">Server time (Unix µs) at which the frame that closed the window arrived; 0 when unknown (no check).</param>
    /// <param name="cancellationToken">Bounds a back-pressure wait.</param>
    ValueTask AppendWindowAsync(
        string facility, string deviceId, in SwayMetrics metrics, long arrivalMicros = 0, CancellationToken cancellationToken = default);

    /// <summary>Data quality of a device over a reporting interval.</summary>
    ValueTask AppendQualityAsync(string facility, string deviceId, in DeviceQuality quality, CancellationToken cancellationToken = default);
}
