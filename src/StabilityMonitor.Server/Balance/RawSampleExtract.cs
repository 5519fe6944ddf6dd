using StabilityMonitor.Signal;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// A device's kept samples over a span of device time, read back from the <see cref="RawSampleArchive"/>: the samples
/// (even rate, oldest first), the rate they are kept at, the device time of the first, and the share of the span they
/// cover. <see cref="Failure"/> says why the archive cannot answer for the span (samples lost to a disk error, or the
/// files unreadable); the samples are then empty.
/// </summary>
internal readonly record struct RawSampleExtract(AccelSample[] Samples, int Rate, long FirstMicros, double Coverage, string? Failure = null)
{
    public static RawSampleExtract None => new([], 0, 0, 0);

    public static RawSampleExtract Failed(string failure) => new([], 0, 0, 0, failure);
}
