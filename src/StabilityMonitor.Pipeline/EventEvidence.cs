using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// The acceleration trace around a near-fall or fall: from 4 s before to 4 s after the event's device time,
/// decimated to <see cref="RateHz"/> by averaging. (<see cref="DeviceId"/>, <see cref="Kind"/>, <see cref="TimeMicros"/>)
/// is the event's identity, the key under which alert stores keep it.
/// </summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Kind">The event's kind.</param>
/// <param name="TimeMicros">The event's device time (<see cref="StabilityEvent.TimeMicros"/>), Unix microseconds.</param>
/// <param name="StartMicros">Device time of the first point, Unix microseconds; point i is at StartMicros + i / RateHz s.</param>
/// <param name="RateHz">Points per second (25).</param>
/// <param name="Samples">
/// The points. Fewer than 200 when the trace was cut short: the device's data began after the window's start, or the
/// device went offline, was flushed, quarantined or evicted before the window's end. Slots without data inside the
/// trace repeat the point before them.
/// </param>
/// <param name="Truncated">True when the trace was published before the window's end had arrived.</param>
public sealed record EventEvidence(
    string DeviceId,
    EventKind Kind,
    long TimeMicros,
    long StartMicros,
    int RateHz,
    IReadOnlyList<EvidencePoint> Samples,
    bool Truncated);
