using StabilityMonitor.FirmwareSim.Evaluation.Report;

namespace StabilityMonitor.Signal.Tests.Evaluation.Report;

public sealed class TraceDecimatorTests
{
    [Fact]
    public void Decimate_LongSignalWithOneSpike_FewBucketsAndTheSpikeAndDipSurvive()
    {
        var values = new float[10_000];
        Array.Fill(values, 1f);
        values[5003] = 9f;
        values[7001] = -3f;

        var buckets = TraceDecimator.Decimate(i => values[i], 0, values.Length, 200, 360);

        Assert.InRange(buckets.Count, 300, 360);
        Assert.Equal(9f, buckets.Max(static b => b.Max));
        Assert.Equal(-3f, buckets.Min(static b => b.Min));
        var spike = buckets.Last(static b => b.TimeS <= 5003 / 200.0);
        Assert.Equal(9f, spike.Max);
        Assert.Equal(0, buckets[0].TimeS);
    }

    [Fact]
    public void Decimate_FewerSamplesThanBuckets_OneBucketPerSampleFromTheGivenStart()
    {
        float[] values = [0f, 1f, 2f, 3f, 4f, 5f];

        var buckets = TraceDecimator.Decimate(i => values[i], 2, 6, 2, 360);

        Assert.Equal([(1.0, 2f, 2f), (1.5, 3f, 3f), (2.0, 4f, 4f), (2.5, 5f, 5f)], buckets.Select(static b => (b.TimeS, b.Min, b.Max)));
    }

    [Fact]
    public void Decimate_EmptyRange_NoBuckets()
    {
        Assert.Empty(TraceDecimator.Decimate(static _ => 0f, 5, 5, 50, 10));
    }
}
