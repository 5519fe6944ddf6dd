namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>
/// Cuts a signal to at most a few hundred buckets for a chart, keeping each bucket's minimum and maximum: an impact
/// lasts a few samples, and averaging or picking every n-th sample would draw a fall without its peak.
/// </summary>
internal static class TraceDecimator
{
    /// <summary>Buckets of <paramref name="values"/>[<paramref name="from"/>, <paramref name="to"/>), sample i at i / rate s.</summary>
    public static IReadOnlyList<TraceBucket> Decimate(Func<int, float> values, int from, int to, int rateHz, int maxBuckets)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBuckets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rateHz, 1);
        from = Math.Max(0, from);
        if (to <= from)
        {
            return [];
        }

        var count = to - from;
        var perBucket = (int)Math.Ceiling(count / (double)maxBuckets);
        var buckets = new List<TraceBucket>((count + perBucket - 1) / perBucket);
        for (var start = from; start < to; start += perBucket)
        {
            var end = Math.Min(to, start + perBucket);
            var min = float.MaxValue;
            var max = float.MinValue;
            for (var i = start; i < end; i++)
            {
                var v = values(i);
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            buckets.Add(new TraceBucket(start / (double)rateHz, min, max));
        }

        return buckets;
    }
}
