using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline.Ports;

/// <summary>
/// Port: sees every accepted frame's samples after the device's processor has, in device-time order per device
/// (the sequencer's release order), including the frames replayed from the frame log at start. For measures kept
/// beside detection (balance and mobility, docs/balance.md) without a second decode.
/// </summary>
/// <remarks>
/// Called on the pipeline's processing thread, under its lock: it must not block, must not throw for bad data, and
/// must not allocate per frame; the samples are only valid during the call. Its state is not part of the pipeline's
/// checkpoint: after a crash it receives the frames after the last checkpoint again (replay), not the ones before.
/// </remarks>
public interface IFrameObserver
{
    /// <param name="deviceId">The device.</param>
    /// <param name="header">The frame's header.</param>
    /// <param name="samples">Its samples, in order.</param>
    /// <param name="established">
    /// Whether the device is past probation (<c>Pipeline:ProbationFrames</c>). Per-device state kept by an observer
    /// should start only then: a flood of random device ids sends one frame each, and must not fill the observer's
    /// table the way it cannot fill the pipeline's.
    /// </param>
    void OnFrame(string deviceId, in FrameHeader header, ReadOnlySpan<AccelSample> samples, bool established);
}
