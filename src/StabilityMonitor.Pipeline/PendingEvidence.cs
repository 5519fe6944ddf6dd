using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// An event whose evidence trace is waiting for the device's data to reach the end of its window, with the trace's
/// slots so far: x, y, z means (counts of 2^-11 g) and the samples' count, four shorts a slot, from its first slot on
/// (rented; given back when the trace is published). <paramref name="ThroughMicros"/>: the newest sample taken from
/// the processor's history when the event was raised; the frame's samples up to it are in already.
/// </summary>
internal readonly record struct PendingEvidence(EventKind Kind, long TimeMicros, short[] Slots, long ThroughMicros);
