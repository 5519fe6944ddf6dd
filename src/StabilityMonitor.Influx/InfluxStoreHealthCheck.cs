using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StabilityMonitor.Durability.Journal;

namespace StabilityMonitor.Influx;

/// <summary>
/// Store state for <c>/readyz</c> (tag <c>ready</c>): Unhealthy when journal writes fail (disk full, I/O error:
/// appends wait and are retried), when the journal is full (appends wait) or the dead-letter file is at its bound
/// (the journal waits at a rejected point), Degraded when no server is configured
/// or writes are failing, including a server that rejects every write (points are kept, delayed), else Healthy.
/// </summary>
internal sealed class InfluxStoreHealthCheck(WriteAheadJournal journal, StoreTelemetry telemetry, IOptions<InfluxOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["backlog_points"] = journal.BacklogPoints,
            ["journal_bytes"] = journal.SizeBytes,
            ["journal_max_bytes"] = journal.MaxBytes,
            ["points_written"] = telemetry.PointsWritten,
            ["dead_letter_points"] = telemetry.PointsDeadLettered,
            ["time_corrected_points"] = telemetry.TimeCorrected,
            ["journal_append_failures"] = journal.AppendFailures,
        };

        HealthCheckResult result;
        if (journal.CurrentFailure is { } failure)
        {
            // Nothing is lost (the points wait in memory and the callers' queues), but nothing new is stored either.
            result = HealthCheckResult.Unhealthy(
                $"Journal writes failing since {failure.Since:O} ({failure.Error}): {failure.Failures} appends refused, retried until the disk takes them.",
                data: data);
        }
        else if (journal.IsFull)
        {
            result = HealthCheckResult.Unhealthy($"Journal full ({journal.SizeBytes} bytes): appends wait for the server.", data: data);
        }
        else if (telemetry.DeadLetterFull is { } full)
        {
            // Only an operator clears this (move the dead-letter file away): the journal stops at the rejected point.
            result = HealthCheckResult.Unhealthy($"{full}; {journal.BacklogPoints} points kept in the journal.", data: data);
        }
        else if (telemetry.SystemicRejection is { } rejection)
        {
            result = HealthCheckResult.Degraded(
                $"{rejection} since {telemetry.FailingSince:O}: an outage, not bad data; {journal.BacklogPoints} points kept in the journal.", data: data);
        }
        else if (!options.Value.HasServer)
        {
            result = HealthCheckResult.Degraded($"No InfluxDB configured: {journal.BacklogPoints} points kept in the journal.", data: data);
        }
        else if (telemetry.ConsecutiveFailures > 0)
        {
            result = HealthCheckResult.Degraded(
                $"Writes failing since {telemetry.FailingSince:O} ({telemetry.LastError}); {journal.BacklogPoints} points kept.", data: data);
        }
        else
        {
            result = HealthCheckResult.Healthy($"{journal.BacklogPoints} points waiting.", data);
        }

        return Task.FromResult(result);
    }
}
