using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Signal;

namespace StabilityMonitor.Balance.Tests;

/// <summary>Feeds a whole recording to a tracker in 1 s frames, as the pipeline would.</summary>
internal static class StreamFeeder
{
    public const long Start = 1_700_000_000_000_000;

    public static RecordingSink Run(ReadOnlySpan<AccelSample> samples, int rateHz, MobilityOptions? options = null, long startMicros = Start)
    {
        var sink = new RecordingSink();
        var tracker = new MobilityTracker(options ?? new MobilityOptions(), sink);
        Feed(tracker, samples, rateHz, startMicros);
        tracker.Flush();
        return sink;
    }

    public static void Feed(MobilityTracker tracker, ReadOnlySpan<AccelSample> samples, int rateHz, long startMicros)
    {
        for (var i = 0; i < samples.Length; i += rateHz)
        {
            var n = Math.Min(rateHz, samples.Length - i);
            tracker.Process(samples.Slice(i, n), rateHz, startMicros + (i * 1_000_000L / rateHz));
        }
    }
}
