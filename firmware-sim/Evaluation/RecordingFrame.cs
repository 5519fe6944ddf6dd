using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>One frame cut from a recording, as a device would send it.</summary>
internal readonly record struct RecordingFrame(FrameHeader Header, ReadOnlyMemory<AccelSample> Samples);
