using System.Buffers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Simulation;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// Readiness of the checkpoints (<see cref="CheckpointHealthCheck"/>): healthy without a frame log, degraded past 90 %
/// of the log's bound, degraded when no checkpoint was current for three intervals, healthy again once one is; each
/// result with the log's and the checkpoints' figures.
/// </summary>
public sealed class CheckpointHealthCheckTests : IDisposable
{
    private static readonly List<RecordedFrame> Frames = Recordings.Record("dev-a", WearerProfile.Random(1), new MotionScript().Stand(4), 1, 50, 25, null);

    private readonly TempDirectory _dir = new("sm-pipeline-ckhealth-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task NoFrameLog_Healthy_AcknowledgedMessagesLiveInMemory()
    {
        using var harness = new PipelineHarness();
        using var service = Service(harness, log: null, store: null);
        var result = await Check(new CheckpointHealthCheck(service, Options(harness), harness.Time));
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("no frame log: acknowledged messages live in memory only", result.Description);
        Assert.Empty(result.Data);
    }

    [Fact]
    public async Task FrameLogWithoutACheckpointStore_Healthy_AsWithoutALog()
    {
        using var harness = new PipelineHarness();
        var log = new StatusLog(new FrameLogStatus(990, 1000, 5, 0, null, null));
        using var service = Service(harness, log, store: null);
        harness.Time.Advance(TimeSpan.FromHours(1));
        var result = await Check(new CheckpointHealthCheck(service, Options(harness), harness.Time, log));
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.StartsWith("no frame log", result.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(900, 1000, HealthStatus.Healthy)]
    [InlineData(901, 1000, HealthStatus.Degraded)]
    [InlineData(5, 0, HealthStatus.Healthy)]
    [InlineData(0, 0, HealthStatus.Healthy)]
    public async Task LogFill_DegradedOnlyPastNinetyPercentOfABound(long size, long max, HealthStatus expected)
    {
        using var durable = new DurablePipelineHost(_dir.Path);
        using var harness = new PipelineHarness();
        var log = new StatusLog(new FrameLogStatus(size, max, 17, 3, null, null));
        using var service = Service(harness, log, durable.Store);
        var result = await Check(new CheckpointHealthCheck(service, Options(harness), harness.Time, log));

        Assert.Equal(expected, result.Status);
        Assert.Equal(
            expected == HealthStatus.Degraded ? $"frame log {size} of {max} bytes full" : "checkpoints current",
            result.Description);
        Assert.Equal(size, result.Data["logBytes"]);
        Assert.Equal(max, result.Data["logMaxBytes"]);
        Assert.Equal(17L, result.Data["logRecords"]);
        Assert.Equal(3L, result.Data["appendFailures"]);
        Assert.Equal(0L, result.Data["checkpoints"]);
    }

    [Fact]
    public async Task NoCheckpointForThreeIntervals_Degraded_UntilOneIsCurrentAgain()
    {
        // The check as the host registers it, on the real frame log and checkpoint store.
        using var host = new DurablePipelineHost(_dir.Path, null, ("Pipeline:CheckpointInterval", "00:00:30"));
        var check = host.Services.GetRequiredService<CheckpointHealthCheck>();
        host.Deliver("wearables/dev-a/accel", Frames[0].Bytes);

        // Three intervals since the start, to the tick: not overdue yet.
        host.Time.Advance(TimeSpan.FromSeconds(90));
        var result = await Check(check);
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("checkpoints current", result.Description);
        Assert.Equal(1L, result.Data["logRecords"]);
        Assert.Equal(host.Log.Status.SizeBytes, result.Data["logBytes"]);
        Assert.Equal(4L << 20, result.Data["logMaxBytes"]);

        host.Time.Advance(TimeSpan.FromTicks(1));
        result = await Check(check);
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal(
            $"no checkpoint since {DurablePipelineHost.Start:O}: the stream's effects are not becoming durable (a store down?); the frame log keeps everything meanwhile",
            result.Description);
        Assert.Equal(0L, result.Data["checkpoints"]);

        // A checkpoint at 100 s: current again, and overdue only three intervals after it.
        host.Time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        await host.Checkpoints.CheckpointAsync(CancellationToken.None);
        result = await Check(check);
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(1L, result.Data["checkpoints"]);
        Assert.Equal(0L, result.Data["logRecords"]);
        host.Time.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal(HealthStatus.Healthy, (await Check(check)).Status);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        result = await Check(check);
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.StartsWith($"no checkpoint since {DurablePipelineHost.Start.AddSeconds(100):O}", result.Description, StringComparison.Ordinal);

        // Nothing logged since: a checkpoint finds nothing to write, and that is current too (an idle server is not a
        // store down).
        await host.Checkpoints.CheckpointAsync(CancellationToken.None);
        Assert.Equal(1, host.Checkpoints.Checkpoints);
        Assert.Equal(HealthStatus.Healthy, (await Check(check)).Status);
    }

    private static PipelineCheckpointService Service(PipelineHarness harness, IFrameLog? log, ICheckpointStore? store) => new(
        harness.Pipeline,
        harness.Ingestor,
        [],
        Options(harness),
        harness.Metrics,
        harness.Time,
        NullLogger<PipelineCheckpointService>.Instance,
        log,
        store);

    private static Microsoft.Extensions.Options.IOptions<PipelineOptions> Options(PipelineHarness harness) =>
        Microsoft.Extensions.Options.Options.Create(harness.Options);

    private static Task<HealthCheckResult> Check(IHealthCheck check) => check.CheckHealthAsync(new HealthCheckContext());

    /// <summary>A frame log that only reports a given state (the fill cannot be set to the byte on the real one).</summary>
    private sealed class StatusLog(FrameLogStatus status) : IFrameLog
    {
        public FrameLogStatus Status => status;

        public bool TryAppend(string topic, in ReadOnlySequence<byte> payload, long arrivalUnixMicros, out long position) => throw new NotSupportedException();

        public ValueTask WaitUntilWritableAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public IEnumerable<LoggedMessage> ReadAfter(long position) => throw new NotSupportedException();

        public void Release(long position) => throw new NotSupportedException();
    }
}
