using System.Buffers;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// <see cref="PipelineLivenessCheck"/> at its bounds: stalled only when both the consumer's idle time and the oldest
/// waiting message's age are past <see cref="PipelineOptions.StallTimeout"/>, each strictly; what the result says.
/// </summary>
public sealed class LivenessBoundaryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ConsumerIdleExactlyTheTimeout_OldestMessageOlder_Healthy_OneTickMore_Unhealthy()
    {
        using var harness = new PipelineHarness(new PipelineOptions { StallTimeout = Timeout });
        var (progress, live) = Check(harness);
        Accept(harness, 3);
        harness.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(harness.Ingestor.Reader.TryRead(out _));
        progress.Taken();

        harness.Time.Advance(Timeout);
        var result = await live.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("pipeline consumer making progress", result.Description);

        harness.Time.Advance(TimeSpan.FromMilliseconds(600));
        result = await live.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("pipeline consumer stalled: 2 messages waiting, nothing taken for 31 s", result.Description);
        Assert.Equal(2, result.Data["waiting"]);
        Assert.Equal(30.6, (double)result.Data["stalledSeconds"], 9);
    }

    [Fact]
    public async Task OldestMessageExactlyTheTimeout_ConsumerIdleLonger_Healthy_OneTickMore_Unhealthy()
    {
        using var harness = new PipelineHarness(new PipelineOptions { StallTimeout = Timeout });
        var (_, live) = Check(harness);
        harness.Time.Advance(TimeSpan.FromSeconds(10));
        Accept(harness, 1);

        harness.Time.Advance(Timeout);
        Assert.Equal(HealthStatus.Healthy, (await live.CheckHealthAsync(new HealthCheckContext())).Status);
        harness.Time.Advance(TimeSpan.FromTicks(1));
        var result = await live.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("pipeline consumer stalled: 1 messages waiting, nothing taken for 40 s", result.Description);
    }

    private static (PipelineProgress Progress, PipelineLivenessCheck Live) Check(PipelineHarness harness)
    {
        var progress = new PipelineProgress(harness.Time);
        return (progress, new PipelineLivenessCheck(harness.Ingestor, progress, Microsoft.Extensions.Options.Options.Create(harness.Options), harness.Time));
    }

    private static void Accept(PipelineHarness harness, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var payload = PipelineHarness.Encode(new Signal.Codec.FrameHeader(50, 8, 1, (uint)i, Recordings.StartMicros + (i * 20_000L)), [new Signal.AccelSample(0f, 1f, 0f)]);
            Assert.True(harness.Ingestor.AcceptAsync("wearables/dev-a/accel", new ReadOnlySequence<byte>(payload), CancellationToken.None).IsCompletedSuccessfully);
        }
    }
}
