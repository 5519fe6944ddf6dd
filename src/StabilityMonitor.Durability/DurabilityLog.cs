using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Durability;

/// <summary>
/// Log messages of the journal, the frame log and the checkpoint store (event ids 4400-4499). The journal's
/// messages had ids 4101-4104 while it lived in the Influx project; those ids stay retired there.
/// </summary>
internal static partial class DurabilityLog
{
    [LoggerMessage(4400, LogLevel.Warning, "Journal segment {Path}: cut {Bytes} bytes of torn or corrupt records after byte {ValidLength}", EventName = "JournalTruncated")]
    public static partial void JournalTruncated(ILogger logger, string path, long bytes, long validLength);

    [LoggerMessage(4401, LogLevel.Warning, "Journal checkpoint {Path} is invalid: replaying from the oldest segment", EventName = "JournalCheckpointInvalid")]
    public static partial void JournalCheckpointInvalid(ILogger logger, string path);

    [LoggerMessage(4402, LogLevel.Warning, "Journal checkpoint {Path} could not be written (records may be replayed after a restart)", EventName = "JournalCheckpointFailed")]
    public static partial void JournalCheckpointFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(4403, LogLevel.Error, "Journal {Directory}: fsync failed; retrying at the next interval", EventName = "JournalFsyncFailed")]
    public static partial void JournalFsyncFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(4404, LogLevel.Error, "Journal {Directory}: a write failed ({Error}); appends are refused and retried, nothing already written is lost", EventName = "JournalAppendFailing")]
    public static partial void JournalAppendFailing(ILogger logger, string directory, string error, Exception exception);

    [LoggerMessage(4405, LogLevel.Information, "Journal {Directory}: appends succeed again after {Failures} refused since {Since:O}", EventName = "JournalAppendRecovered")]
    public static partial void JournalAppendRecovered(ILogger logger, string directory, long failures, DateTimeOffset since);

    [LoggerMessage(4406, LogLevel.Error, "Journal segment {Path}: record at byte {Offset} failed its check while reading after a position; the rest of that segment is skipped", EventName = "JournalReadCorrupt")]
    public static partial void JournalReadCorrupt(ILogger logger, string path, long offset);

    [LoggerMessage(4407, LogLevel.Error, "Checkpoint {Path} is damaged ({Reason}); moved aside to {MovedTo}, starting without it", EventName = "CheckpointDamaged")]
    public static partial void CheckpointDamaged(ILogger logger, string path, string reason, string movedTo);

    [LoggerMessage(4408, LogLevel.Information, "Frame log {Directory} opened: {Records} records not yet released, {SizeBytes} bytes on disk, {TruncatedBytes} bytes of torn tail cut", EventName = "FrameLogOpened")]
    public static partial void FrameLogOpened(ILogger logger, string directory, long records, long sizeBytes, long truncatedBytes);

    [LoggerMessage(4409, LogLevel.Error, "Frame log record at position {Position} is malformed (its check passed); skipped", EventName = "FrameRecordMalformed")]
    public static partial void FrameRecordMalformed(ILogger logger, long position);

    [LoggerMessage(4410, LogLevel.Warning, "Journal segment {Path} could not be deleted after its records were released", EventName = "JournalDeleteFailed")]
    public static partial void JournalDeleteFailed(ILogger logger, string path, Exception exception);
}
