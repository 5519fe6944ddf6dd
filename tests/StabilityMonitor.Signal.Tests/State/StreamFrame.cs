using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>One decoded frame as a processor is fed it.</summary>
internal sealed record StreamFrame(FrameHeader Header, AccelSample[] Samples)
{
    public long EndMicros => Header.DeviceTimeMicros + (Samples.Length * 1_000_000L / Header.SampleRateHz);
}
