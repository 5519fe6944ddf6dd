using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>An encoded frame of a simulated recording, with its header for the test's bookkeeping.</summary>
internal sealed record RecordedFrame(FrameHeader Header, byte[] Bytes);
