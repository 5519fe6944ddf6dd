using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StabilityMonitor.Pipeline;

/// <summary>Ready when the pipeline's consumer loop is running.</summary>
internal sealed class PipelineHealthCheck(PipelineWorker worker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(worker.IsRunning
            ? HealthCheckResult.Healthy("pipeline running")
            : HealthCheckResult.Unhealthy("pipeline consumer not running"));
}
