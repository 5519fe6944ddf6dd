using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Cluster;

/// <summary>Log messages of the cluster adapter (event ids 8000–8099).</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(8000, LogLevel.Information, "Created the cluster schema (membership and grain state) in the database")]
    public static partial void SchemaCreated(ILogger logger);

    [LoggerMessage(8001, LogLevel.Information, "Wearable {DeviceId} activated from its saved state ({Frames} frames, {Held} first frames held, positions {Positions})")]
    public static partial void Restored(ILogger logger, string deviceId, long frames, int held, string positions);

    [LoggerMessage(8002, LogLevel.Warning, "Wearable {DeviceId}: saved state did not fit this build's processor options; its processing starts afresh")]
    public static partial void StateDidNotFit(ILogger logger, string deviceId);

    [LoggerMessage(8003, LogLevel.Warning, "Wearable {DeviceId}: a frame from {Source} at {Position} did not decode ({Error}); dropped")]
    public static partial void FrameUndecodable(ILogger logger, string deviceId, string source, long position, string error);

    [LoggerMessage(8004, LogLevel.Warning, "Wearable {DeviceId}: call to its grain failed (attempt {Attempt}: {Error}: {Message}); retrying")]
    public static partial void CallFailed(ILogger logger, string deviceId, int attempt, string error, string message);

    /// <summary>
    /// Logs a failed attempt of a call retried until it succeeds: the first and every 20th. While a failed silo is being
    /// declared dead every call to its wearables fails, so not one line each time.
    /// </summary>
    public static void RetriedCallFailed(ILogger logger, string deviceId, int attempt, Exception failed)
    {
        if (attempt == 1 || attempt % 20 == 0)
        {
            CallFailed(logger, deviceId, attempt, failed.GetType().Name, failed.Message);
        }
    }

    [LoggerMessage(8005, LogLevel.Warning, "Wearable {DeviceId}: its grain was restored without this node's messages after {Position}; resending {Count}")]
    public static partial void Resending(ILogger logger, string deviceId, int count, long position);

    [LoggerMessage(8050, LogLevel.Debug, "Wearable {DeviceId}: its state could not be asked of its grain ({Error}: {Message}); left out of this answer")]
    public static partial void StateUnavailable(ILogger logger, string deviceId, string error, string message);

    [LoggerMessage(8051, LogLevel.Warning, "Wearable {DeviceId}: its first {Held} frames waited for the silence check ({Sources} of {Active} active nodes delivered; lost activation {Lost}); processed now")]
    public static partial void StartHoldBySilence(ILogger logger, string deviceId, int held, int sources, int active, bool lost);

    [LoggerMessage(8007, LogLevel.Warning, "Node '{Name}' is dead and its frame log cannot be read at {Directory} ({Message}): what it had taken and its grains had not saved waits for its return")]
    public static partial void PeerLogMissing(ILogger logger, string name, string directory, string message);

    [LoggerMessage(8008, LogLevel.Information, "Node '{Name}' (positions as '{Source}') is dead: sent the {Count} messages of its frame log to their wearables' grains (those they had were skipped)")]
    public static partial void PeerLogReplayed(ILogger logger, string name, string source, long count);

    [LoggerMessage(8009, LogLevel.Error, "Wearable {DeviceId}: message at log position {Position} forwarded after {Sent}; its grain will skip it as taken before")]
    public static partial void OutOfOrder(ILogger logger, string deviceId, long position, long sent);

    // Per message, off unless asked for (Logging:LogLevel:StabilityMonitor.Cluster=Trace): to follow one frame from the
    // node that logged it to the grain that took it, when a soak run reports one missing.
    [LoggerMessage(8060, LogLevel.Trace, "Wearable {DeviceId}: sequence {Sequence} logged at {Position}, to its grain")]
    public static partial void Forwarding(ILogger logger, string deviceId, uint sequence, long position);

    [LoggerMessage(8061, LogLevel.Trace, "Wearable {DeviceId}: sent {Count} messages {First}..{Last} after {Previous}; the grain took {Taken}, has saved through {Saved}")]
    public static partial void Delivered(ILogger logger, string deviceId, int count, long first, long last, long previous, int taken, long saved);

    [LoggerMessage(8062, LogLevel.Trace, "Wearable {DeviceId} ({Activation}): sequence {Sequence} from {Source} at {Position}: {Outcome}")]
    public static partial void FrameChecked(ILogger logger, string deviceId, string activation, uint sequence, string source, long position, string outcome);

    [LoggerMessage(8006, LogLevel.Warning, "Node '{Name}' ({Silo}) is dead and not back: this node consumes its broker session until it returns")]
    public static partial void AdoptingShare(ILogger logger, string name, string silo);
}
