using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// Readiness: unhealthy when the consumer loop is not running; degraded (still ready) when the ingest channel is more
/// than 80 % full or the MQTT receive handler had to wait for room since the previous check (back-pressure: QoS 1
/// acknowledgements held back, so the broker queues for us).
/// </summary>
/// <remarks>A singleton: it remembers the blocked time it saw at the previous check.</remarks>
internal sealed class PipelineHealthCheck(PipelineProgress progress, FrameIngestor ingestor, MetricsRegistry metrics) : IHealthCheck
{
    private const double FullFraction = 0.8;

    private readonly Lock _lock = new();
    private double _lastBlockedSeconds;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        double blockedSince;
        lock (_lock)
        {
            var blocked = metrics.BlockedSeconds;
            blockedSince = blocked - _lastBlockedSeconds;
            _lastBlockedSeconds = blocked;
        }

        if (!progress.IsRunning)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("pipeline consumer not running"));
        }

        var depth = ingestor.Depth;
        if (depth > FullFraction * ingestor.Capacity)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"ingest channel {depth} of {ingestor.Capacity} full"));
        }

        if (blockedSince > 0)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"receive handler waited {blockedSince:F3} s for room in the ingest channel since the last check"));
        }

        return Task.FromResult(HealthCheckResult.Healthy("pipeline running"));
    }
}
