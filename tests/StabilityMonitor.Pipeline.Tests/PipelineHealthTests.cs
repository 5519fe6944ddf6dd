using System.Buffers;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>Liveness (a stalled consumer) and readiness (back-pressure) of the pipeline, on a fake clock.</summary>
public class PipelineHealthTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Liveness_MessagesWaitAndNothingIsTakenPastTheStallTimeout_Unhealthy()
    {
        using var harness = new PipelineHarness(new PipelineOptions { StallTimeout = TimeSpan.FromSeconds(30) });
        var (progress, live, _) = Checks(harness);

        Accept(harness, 3);
        harness.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(HealthStatus.Healthy, await Check(live));
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        var stalled = await live.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, stalled.Status);
        Assert.Equal(3, stalled.Data["waiting"]);

        // The consumer moves again.
        harness.Drain();
        progress.Taken();
        Assert.Equal(HealthStatus.Healthy, await Check(live));
    }

    [Fact]
    public async Task Liveness_IdleForAnHourThenAMessageArrives_Healthy()
    {
        using var harness = new PipelineHarness();
        var (_, live, _) = Checks(harness);

        harness.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HealthStatus.Healthy, await Check(live));
        Accept(harness, 1);

        Assert.Equal(HealthStatus.Healthy, await Check(live));
    }

    [Fact]
    public async Task Liveness_BacklogOlderThanTheTimeoutButTheConsumerTakesItems_Healthy()
    {
        using var harness = new PipelineHarness(new PipelineOptions { StallTimeout = TimeSpan.FromSeconds(30) });
        var (progress, live, _) = Checks(harness);

        Accept(harness, 5);
        harness.Time.Advance(TimeSpan.FromSeconds(40));
        progress.Taken(); // slow, but moving

        Assert.Equal(HealthStatus.Healthy, await Check(live));
    }

    [Fact]
    public async Task Readiness_ConsumerNotRunning_Unhealthy()
    {
        using var harness = new PipelineHarness();
        var (progress, _, ready) = Checks(harness);

        Assert.Equal(HealthStatus.Unhealthy, await Check(ready));
        progress.IsRunning = true;
        Assert.Equal(HealthStatus.Healthy, await Check(ready));
    }

    [Fact]
    public async Task Readiness_ChannelMoreThanEightyPercentFull_Degraded()
    {
        using var harness = new PipelineHarness(new PipelineOptions { ChannelCapacity = 10 });
        var (progress, _, ready) = Checks(harness);
        progress.IsRunning = true;

        Accept(harness, 8);
        Assert.Equal(HealthStatus.Healthy, await Check(ready));
        Accept(harness, 1);
        Assert.Equal(HealthStatus.Degraded, await Check(ready));
        harness.Drain();
        Assert.Equal(HealthStatus.Healthy, await Check(ready));
    }

    [Fact]
    public async Task Readiness_ReceiveHandlerBlockedSinceTheLastCheck_DegradedThenHealthyOnceItStops()
    {
        using var harness = new PipelineHarness(new PipelineOptions { ChannelCapacity = 2 });
        var (progress, _, ready) = Checks(harness);
        progress.IsRunning = true;
        Assert.Equal(HealthStatus.Healthy, await Check(ready));

        Accept(harness, 2);
        var blocked = harness.Ingestor.AcceptAsync("wearables/dev-a/accel", new ReadOnlySequence<byte>(Payload()), CancellationToken.None);
        Assert.False(blocked.IsCompleted);
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        harness.Ingestor.Reader.TryRead(out var first);
        harness.Pipeline.Process(first);
        await blocked.AsTask().WaitAsync(s_timeout);
        harness.Drain();

        var degraded = await ready.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("waited", degraded.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, await Check(ready));
    }

    private static (PipelineProgress Progress, PipelineLivenessCheck Live, PipelineHealthCheck Ready) Checks(PipelineHarness harness)
    {
        var progress = new PipelineProgress(harness.Time);
        var options = Microsoft.Extensions.Options.Options.Create(harness.Options);
        return (progress, new PipelineLivenessCheck(harness.Ingestor, progress, options, harness.Time), new PipelineHealthCheck(progress, harness.Ingestor, harness.Metrics));
    }

    private static async Task<HealthStatus> Check(IHealthCheck check) => (await check.CheckHealthAsync(new HealthCheckContext())).Status;

    private static void Accept(PipelineHarness harness, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(harness.Ingestor.AcceptAsync("wearables/dev-a/accel", new ReadOnlySequence<byte>(Payload((uint)i)), CancellationToken.None).IsCompletedSuccessfully);
        }
    }

    private static byte[] Payload(uint seq = 0) =>
        PipelineHarness.Encode(new Signal.Codec.FrameHeader(50, 8, 1, seq, Recordings.StartMicros + (seq * 20_000L)), [new Signal.AccelSample(0f, 1f, 0f)]);
}
