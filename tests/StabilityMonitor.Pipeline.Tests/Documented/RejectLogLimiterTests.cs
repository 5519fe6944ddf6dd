using Microsoft.Extensions.Time.Testing;

namespace StabilityMonitor.Pipeline.Tests.Documented;

/// <summary>
/// docs/ingestion.md, "Bad input": a rejected message is "logged at most once per `Pipeline:RejectLogInterval` per
/// reason with the number suppressed".
/// </summary>
public sealed class RejectLogLimiterTests
{
    [Fact]
    public void Flood_OneLinePerReasonPerInterval_TheNextLineCountsTheSuppressed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var logger = new RecordingLogger<RejectLogLimiter>();
        var limiter = new RejectLogLimiter(Microsoft.Extensions.Options.Options.Create(new PipelineOptions { RejectLogInterval = TimeSpan.FromSeconds(10) }), time, logger);

        for (var i = 0; i < 100; i++)
        {
            limiter.Rejected("wearables/a/accel", RejectReason.Truncated);
        }

        limiter.Rejected("wearables/b/accel", RejectReason.Empty);
        Assert.Equal(2, logger.Records.Count);
        Assert.Equal([0L, 0L], logger.Records.Select(static r => (long)r.Values["Suppressed"]!));
        Assert.Equal(["truncated", "empty"], logger.Records.Select(static r => (string)r.Values["Reason"]!));

        time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        limiter.Rejected("wearables/a/accel", RejectReason.Truncated);
        Assert.Equal(2, logger.Records.Count);

        time.Advance(TimeSpan.FromMilliseconds(1));
        limiter.Rejected("wearables/a/accel", RejectReason.Truncated);
        var next = Assert.Single(logger.Records.Skip(2));
        Assert.Equal("truncated", next.Values["Reason"]);
        Assert.Equal(100L, next.Values["Suppressed"]);
        Assert.Equal(1001, next.Id.Id);
    }
}
