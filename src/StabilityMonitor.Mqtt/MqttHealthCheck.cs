using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StabilityMonitor.Mqtt;

/// <summary>Ready when the worker is connected to the broker and subscribed.</summary>
internal sealed class MqttHealthCheck(MqttConnectionState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsConnected
            ? HealthCheckResult.Healthy("broker connected")
            : HealthCheckResult.Unhealthy("broker not connected"));
}
