using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Influx;

/// <summary>Log messages of the InfluxDB storage adapter (event ids 4100-4199).</summary>
internal static partial class InfluxLog
{
    [LoggerMessage(4100, LogLevel.Information, "Journal {Directory} opened: {Backlog} points waiting, {SizeBytes} bytes on disk, {TruncatedBytes} bytes of torn tail cut", EventName = "JournalOpened")]
    public static partial void JournalOpened(ILogger logger, string directory, long backlog, long sizeBytes, long truncatedBytes);

    // 4101-4104 (journal truncated, checkpoint invalid or not written, fsync failed) moved with the journal to
    // StabilityMonitor.Durability (DurabilityLog, 4400-4403); they are not reused here.

    [LoggerMessage(4105, LogLevel.Warning, "Influx:Url is empty: points are kept in the journal at {Directory} (at most {MaxBytes} bytes) and sent once a server is configured", EventName = "NoServer")]
    public static partial void NoServer(ILogger logger, string directory, long maxBytes);

    [LoggerMessage(4106, LogLevel.Information, "Sending points to {Target} ({Backlog} waiting in the journal)", EventName = "DrainStarted")]
    public static partial void DrainStarted(ILogger logger, string target, long backlog);

    [LoggerMessage(4107, LogLevel.Warning, "Write to {Target} failed ({ErrorKind}, HTTP {Status}: {Message}); failure {Failures}, retrying in {RetryDelay}; {Backlog} points waiting", EventName = "WriteFailed")]
    public static partial void WriteFailed(ILogger logger, string target, string? errorKind, int status, string? message, int failures, TimeSpan retryDelay, long backlog);

    [LoggerMessage(4108, LogLevel.Information, "Writes to {Target} succeed again after {Failures} failures; {Backlog} points waiting", EventName = "WriteRecovered")]
    public static partial void WriteRecovered(ILogger logger, string target, int failures, long backlog);

    [LoggerMessage(4109, LogLevel.Error, "A point was rejected for good (HTTP {Status}: {Message}); kept in the dead-letter file {Path}", EventName = "PointDeadLettered")]
    public static partial void PointDeadLettered(ILogger logger, int status, string? message, string path);

    [LoggerMessage(4110, LogLevel.Error, "Journal record failed its check while reading; skipped {SkippedBytes} bytes of that segment", EventName = "JournalCorrupt")]
    public static partial void JournalCorrupt(ILogger logger, long skippedBytes, Exception exception);

    [LoggerMessage(4111, LogLevel.Information, "Created database {Database} on {Target}", EventName = "DatabaseCreated")]
    public static partial void DatabaseCreated(ILogger logger, string database, string target);

    [LoggerMessage(4112, LogLevel.Warning, "Journal full ({SizeBytes} of {MaxBytes} bytes): appends wait until the server catches up", EventName = "JournalFull")]
    public static partial void JournalFull(ILogger logger, long sizeBytes, long maxBytes);

    [LoggerMessage(4113, LogLevel.Error, "Drain loop failed unexpectedly; continuing after {Delay}", EventName = "DrainLoopFailed")]
    public static partial void DrainLoopFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(4114, LogLevel.Warning, "Query to {Target} failed: {Message}", EventName = "QueryFailed")]
    public static partial void QueryFailed(ILogger logger, string target, string message);

    [LoggerMessage(4115, LogLevel.Error, "{Target} rejects every write (HTTP {Status}: {Message}), including a point it stored before: treated as an outage, not bad data; nothing is dead-lettered, {Backlog} points kept in the journal", EventName = "RejectionOutage")]
    public static partial void RejectionOutage(ILogger logger, string target, int status, string? message, long backlog);

    [LoggerMessage(4116, LogLevel.Error, "Dead-letter file {Path} is at its bound of {MaxBytes} bytes: the rejected point (HTTP {Status}: {Message}) stays in the journal and sending waits; move the file away to resume", EventName = "DeadLetterFull")]
    public static partial void DeadLetterFull(ILogger logger, string path, long maxBytes, int status, string? message);

    [LoggerMessage(4117, LogLevel.Warning, "Device {DeviceId}: the arrival time is {Offset} from its clock (more than {MaxSkew} either way); its events and windows are stored at the arrival time with the device time in device_time_us (logged once per device, counted in stability_store_time_corrected_total)", EventName = "DeviceClockCorrected")]
    public static partial void DeviceClockCorrected(ILogger logger, string deviceId, TimeSpan offset, TimeSpan maxSkew);

    [LoggerMessage(4118, LogLevel.Error, "The journal refuses points because a write fails ({Error}): events and windows wait in memory (their queues back up) and are appended when writes succeed again", EventName = "JournalWriteFailing")]
    public static partial void JournalWriteFailing(ILogger logger, string error);

    [LoggerMessage(4119, LogLevel.Information, "The journal accepts points again after {Failures} refused appends", EventName = "JournalWriteRecovered")]
    public static partial void JournalWriteRecovered(ILogger logger, long failures);
}
