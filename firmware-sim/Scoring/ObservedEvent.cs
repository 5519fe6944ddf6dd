namespace StabilityMonitor.FirmwareSim.Scoring;

/// <summary>An event the system raised, as read back from the server (device time).</summary>
/// <param name="Device">Device id.</param>
/// <param name="Kind"><c>near_fall</c>, <c>fall</c> or <c>sway_elevated</c>.</param>
/// <param name="TimeMicros">Onset (peak of the perturbation or impact), device time, Unix µs.</param>
/// <param name="DecisionMicros">When the detector decided, device time, Unix µs.</param>
/// <param name="PeakG">Largest acceleration in the evidence window, g.</param>
internal sealed record ObservedEvent(string Device, string Kind, long TimeMicros, long DecisionMicros, double PeakG);
