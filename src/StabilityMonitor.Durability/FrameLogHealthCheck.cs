using Microsoft.Extensions.Diagnostics.HealthChecks;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Durability;

/// <summary>
/// Frame log state for <c>/readyz</c> (tag <c>ready</c>): Unhealthy while appends are refused because writes fail
/// (disk full, I/O error) or the log is at its bound; either way nothing new is acknowledged to the wearables,
/// which keep their frames and resend. Healthy otherwise.
/// </summary>
internal sealed class FrameLogHealthCheck(IFrameLog log) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        FrameLogStatus status = log.Status;
        var data = new Dictionary<string, object>
        {
            ["log_bytes"] = status.SizeBytes,
            ["log_max_bytes"] = status.MaxBytes,
            ["records"] = status.Records,
            ["append_failures"] = status.AppendFailures,
        };

        HealthCheckResult result;
        if (status.LastError is { } error)
        {
            result = HealthCheckResult.Unhealthy(
                $"Frame log writes failing since {status.FailingSince:O} ({error}): nothing is acknowledged until they succeed.", data: data);
        }
        else if (status.SizeBytes + FrameLog.MaxRecordBytes > status.MaxBytes)
        {
            result = HealthCheckResult.Unhealthy(
                $"Frame log full ({status.SizeBytes} of {status.MaxBytes} bytes): acknowledgements wait for the next checkpoint.", data: data);
        }
        else
        {
            result = HealthCheckResult.Healthy($"{status.Records} records since the last checkpoint.", data);
        }

        return Task.FromResult(result);
    }
}
