using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// Liveness (<c>/healthz</c>, tag <c>live</c>): unhealthy when messages wait in the ingest channel and the consumer
/// has taken none for longer than <see cref="PipelineOptions.StallTimeout"/> — a consumer stuck in a device's
/// processing, deadlocked, or starved of threads, which a restart cures. An idle consumer with an empty channel is
/// live however long it waits.
/// </summary>
/// <remarks>
/// The oldest waiting message's age is checked too (its receive timestamp): a consumer that was idle for an hour and
/// is woken by a message that arrived a millisecond ago has not stalled, although it took nothing for an hour.
/// </remarks>
internal sealed class PipelineLivenessCheck(FrameIngestor ingestor, PipelineProgress progress, IOptions<PipelineOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeout = options.Value.StallTimeout;
        var waiting = ingestor.Depth;
        var idle = progress.SinceLastTaken;
        if (waiting > 0
            && idle > timeout
            && ingestor.TryPeekReceivedTimestamp(out var received)
            && time.GetElapsedTime(received) > timeout)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"pipeline consumer stalled: {waiting} messages waiting, nothing taken for {idle.TotalSeconds:F0} s",
                data: new Dictionary<string, object> { ["waiting"] = waiting, ["stalledSeconds"] = idle.TotalSeconds }));
        }

        return Task.FromResult(HealthCheckResult.Healthy("pipeline consumer making progress"));
    }
}
