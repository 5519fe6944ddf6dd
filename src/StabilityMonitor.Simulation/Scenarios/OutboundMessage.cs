namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>One thing a simulated wearable does, due at a run time.</summary>
/// <param name="Kind">Connect, publish a frame, status or malformed payload, drop, shut down.</param>
/// <param name="DueSeconds">Run time at which it happens, s (the frame is complete then).</param>
/// <param name="Payload">Frame, status or malformed bytes; empty for drop and shutdown.</param>
/// <param name="Sequence">Frame sequence number (frames only).</param>
public readonly record struct OutboundMessage(OutboundKind Kind, double DueSeconds, ReadOnlyMemory<byte> Payload, uint Sequence = 0);
