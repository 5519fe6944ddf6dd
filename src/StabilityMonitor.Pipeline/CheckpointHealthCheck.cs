using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// Readiness of the checkpoints (the frame log's own check reports its writes and fill): degraded when the log is over
/// 90 % full, or when for three intervals no checkpoint was saved while frames were logged (the stream's effects are not
/// becoming durable: a store is down, and the log grows until they are).
/// </summary>
internal sealed class CheckpointHealthCheck(PipelineCheckpointService checkpoints, IOptions<PipelineOptions> options, TimeProvider time, IFrameLog? log = null) : IHealthCheck
{
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (log is null || !checkpoints.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("no frame log: acknowledged messages live in memory only"));
        }

        var status = log.Status;
        var data = new Dictionary<string, object>
        {
            ["logBytes"] = status.SizeBytes,
            ["logMaxBytes"] = status.MaxBytes,
            ["logRecords"] = status.Records,
            ["appendFailures"] = status.AppendFailures,
            ["checkpoints"] = checkpoints.Checkpoints,
        };
        if (status.MaxBytes > 0 && status.SizeBytes > 0.9 * status.MaxBytes)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"frame log {status.SizeBytes} of {status.MaxBytes} bytes full", data: data));
        }

        // Current, not saved: with nothing logged since the last checkpoint there is nothing to save, and an idle server
        // is not a store down.
        var last = checkpoints.LastCurrent ?? _started;
        var overdue = 3 * options.Value.CheckpointInterval;
        if (time.GetUtcNow() - last > overdue)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"no checkpoint since {last:O}: the stream's effects are not becoming durable (a store down?); the frame log keeps everything meanwhile", data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy("checkpoints current", data));
    }
}
