using Microsoft.Extensions.Logging;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Pipeline;

/// <summary>Log messages of the pipeline (event ids 1000-1099).</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(1001, LogLevel.Warning, "Rejected a message on '{Topic}': {Reason}; {Suppressed} more rejected for this reason since the last report", EventName = "FrameRejected")]
    public static partial void FrameRejected(ILogger logger, string topic, string reason, long suppressed);

    [LoggerMessage(1002, LogLevel.Information, "Device {DeviceId} online ({Reason})", EventName = "DeviceOnline")]
    public static partial void DeviceOnline(ILogger logger, string deviceId, ConnectivityReason reason);

    [LoggerMessage(1003, LogLevel.Warning, "Device {DeviceId} offline ({Reason}); last frame at {LastSeen:O}", EventName = "DeviceOffline")]
    public static partial void DeviceOffline(ILogger logger, string deviceId, ConnectivityReason reason, DateTimeOffset? lastSeen);

    [LoggerMessage(1004, LogLevel.Warning, "{Kind} on {DeviceId} at {DeviceTime:O} (device time), peak {PeakG:F2} g", EventName = "EventRaised")]
    public static partial void EventRaised(ILogger logger, EventKind kind, string deviceId, DateTimeOffset deviceTime, float peakG);

    [LoggerMessage(1005, LogLevel.Debug, "Device {DeviceId}: {Frames} frames lost from sequence {FirstSequence}", EventName = "FramesLost")]
    public static partial void FramesLost(ILogger logger, string deviceId, long frames, uint firstSequence);

    [LoggerMessage(1006, LogLevel.Information, "Device {DeviceId} restarted its sequence numbering", EventName = "SequenceRestarted")]
    public static partial void SequenceRestarted(ILogger logger, string deviceId);

    [LoggerMessage(1025, LogLevel.Error, "Frame observer {Observer} failed on a frame of '{DeviceId}' (logged once per observer; the device's processing goes on)", EventName = "FrameObserverFailed")]
    public static partial void FrameObserverFailed(ILogger logger, string observer, string deviceId, Exception exception);

    [LoggerMessage(1008, LogLevel.Error, "Processing a message from '{Topic}' failed; the stream goes on", EventName = "ProcessingFailed")]
    public static partial void ProcessingFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(1009, LogLevel.Information, "Pipeline consumer started (channel capacity {Capacity})", EventName = "ConsumerStarted")]
    public static partial void ConsumerStarted(ILogger logger, int capacity);

    [LoggerMessage(1010, LogLevel.Information, "Pipeline consumer stopped after draining the channel", EventName = "ConsumerStopped")]
    public static partial void ConsumerStopped(ILogger logger);

    [LoggerMessage(1011, LogLevel.Error, "Processing device {DeviceId} failed (frame {Sequence}, device time {DeviceTimeMicros} µs); its frames are rejected until {Until:O}, other devices go on", EventName = "DeviceQuarantined")]
    public static partial void DeviceQuarantined(ILogger logger, string deviceId, uint sequence, long deviceTimeMicros, DateTimeOffset until, Exception exception);

    [LoggerMessage(1012, LogLevel.Information, "Device {DeviceId} leaves quarantine ({Reason}); {Rejected} frames were rejected", EventName = "QuarantineLifted")]
    public static partial void QuarantineLifted(ILogger logger, string deviceId, string reason, long rejected);

    [LoggerMessage(1013, LogLevel.Debug, "Device {DeviceId} evicted to make room for a new device; last seen {LastSeen:O}", EventName = "DeviceEvicted")]
    public static partial void DeviceEvicted(ILogger logger, string deviceId, DateTimeOffset? lastSeen);

    [LoggerMessage(1015, LogLevel.Information, "A device evicted on probation came back: its silence was a backlog, not an end. Devices on probation are now evicted only after {Silence} without frames (until none comes back for the silence timeout)", EventName = "ProbationSilenceRaised")]
    public static partial void ProbationSilenceRaised(ILogger logger, TimeSpan silence);

    [LoggerMessage(1014, LogLevel.Error, "The silence check failed; it runs again at the next interval", EventName = "SilenceCheckFailed")]
    public static partial void SilenceCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(1020, LogLevel.Information, "Restored {Devices} devices from the checkpoint of {SavedAt:O} at log position {Position}; {Cold} start with a fresh processor (options changed)", EventName = "CheckpointRestored")]
    public static partial void CheckpointRestored(ILogger logger, int devices, DateTimeOffset savedAt, long position, int cold);

    [LoggerMessage(1021, LogLevel.Error, "The checkpoint cannot be read; every device starts fresh and the whole frame log is replayed", EventName = "CheckpointUnreadable")]
    public static partial void CheckpointUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(1022, LogLevel.Information, "Replayed {Messages} logged messages ({Undecodable} no longer decode) in {Elapsed}", EventName = "LogReplayed")]
    public static partial void LogReplayed(ILogger logger, long messages, long undecodable, TimeSpan elapsed);

    [LoggerMessage(1023, LogLevel.Debug, "Checkpoint at log position {Position}: {Bytes} bytes, {Elapsed} including the wait for stored effects", EventName = "CheckpointSaved")]
    public static partial void CheckpointSaved(ILogger logger, long position, long bytes, TimeSpan elapsed);

    [LoggerMessage(1024, LogLevel.Error, "The checkpoint failed; the frame log keeps everything since the last one and the next interval tries again", EventName = "CheckpointFailed")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception);
}
