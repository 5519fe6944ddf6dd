namespace StabilityMonitor.Pipeline;

/// <summary>One page of events, newest first, and how many matched in all.</summary>
public sealed record EventPage(IReadOnlyList<DeviceEvent> Items, int Total);
