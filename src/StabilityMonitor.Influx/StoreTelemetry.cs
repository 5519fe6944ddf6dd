using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using StabilityMonitor.Durability.Journal;

namespace StabilityMonitor.Influx;

/// <summary>
/// Counters and gauges of the store (Prometheus names as exported), and the state the health check reports.
/// Instrument names carry their Prometheus suffix already, so exporters that add <c>_total</c> keep them as is.
/// </summary>
internal sealed class StoreTelemetry : IStoreMetrics, IDisposable
{
    public const string MeterName = "StabilityMonitor.Influx";

    private readonly Meter _meter;
    private readonly WriteAheadJournal _journal;
    private readonly ConcurrentDictionary<string, long> _errorsByKind = new(StringComparer.Ordinal);
    private long _appendedTotal;
    private long _writtenTotal;
    private long _deadLetteredTotal;
    private long _errorsTotal;
    private int _consecutiveFailures;
    private long _backPressureWaits;
    private string? _lastError;
    private DateTimeOffset? _failingSince;
    private string? _systemicRejection;
    private string? _deadLetterFull;
    private long _probes;
    private long _timeCorrected;

    public StoreTelemetry(IMeterFactory meterFactory, WriteAheadJournal journal, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(journal);
        TimeProvider = timeProvider;
        _journal = journal;
        _meter = meterFactory.Create(MeterName);
        // Observable, reading the totals below: every series is exported from the start, zeros included.
        _meter.CreateObservableCounter("stability_store_points_appended_total", () => PointsAppended, description: "Points accepted into the journal.");
        _meter.CreateObservableCounter("stability_store_points_written_total", () => PointsWritten, description: "Points the server acknowledged.");
        _meter.CreateObservableCounter("stability_store_write_errors_total", ObserveErrors, description: "Failed write requests and rejected points, by kind.");
        _meter.CreateObservableCounter("stability_store_dead_letter_points_total", () => PointsDeadLettered, description: "Points the server rejected for good, kept in the dead-letter file.");
        _meter.CreateObservableCounter("stability_store_time_corrected_total", () => TimeCorrected, description: "Events and windows stored at the arrival time because the device clock was too far from it.");
        _meter.CreateObservableGauge("stability_store_backlog_points", () => journal.BacklogPoints, description: "Points in the journal not yet acknowledged by the server.");
        _meter.CreateObservableGauge("stability_store_journal_bytes", () => journal.SizeBytes, description: "Bytes of journal segments on disk.");
        _meter.CreateObservableCounter("stability_store_journal_append_failures_total", () => journal.AppendFailures, description: "Appends the journal refused because a write failed (disk full, I/O error); the points were kept and retried.");
        _meter.CreateObservableGauge("stability_store_rejection_outage", () => SystemicRejection is null ? 0 : 1, description: "1 while the server rejects every write (points kept, not dead-lettered).");
        _meter.CreateObservableGauge("stability_store_dead_letter_full", () => DeadLetterFull is null ? 0 : 1, description: "1 while the dead-letter file is at its bound and a rejected point waits in the journal.");
        _meter.CreateObservableCounter("stability_store_probe_writes_total", () => Probes, description: "Known-good points re-sent to tell bad data from a server that rejects everything.");
    }

    public TimeProvider TimeProvider { get; }

    /// <summary>The meter of the store's instruments.</summary>
    public Meter Meter => _meter;

    public long PointsWritten => Interlocked.Read(ref _writtenTotal);

    public long BacklogPoints => _journal.BacklogPoints;

    public long PointsAppended => Interlocked.Read(ref _appendedTotal);

    public long PointsDeadLettered => Interlocked.Read(ref _deadLetteredTotal);

    public long WriteErrors => Interlocked.Read(ref _errorsTotal);

    public long BackPressureWaits => Interlocked.Read(ref _backPressureWaits);

    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    public string? LastError => Volatile.Read(ref _lastError);

    public DateTimeOffset? LastSuccess { get; private set; }

    public DateTimeOffset? FailingSince => _failingSince;

    /// <summary>Why the server is taken to reject every write (an outage, not bad data), or null.</summary>
    public string? SystemicRejection => Volatile.Read(ref _systemicRejection);

    /// <summary>Why a rejected point could not be dead-lettered (the file is at its bound), or null.</summary>
    public string? DeadLetterFull => Volatile.Read(ref _deadLetterFull);

    /// <summary>Known-good points re-sent to tell bad data from a server that rejects everything.</summary>
    public long Probes => Interlocked.Read(ref _probes);

    public void Appended()
    {
        Interlocked.Increment(ref _appendedTotal);
    }

    public void Written(int points)
    {
        Interlocked.Add(ref _writtenTotal, points);
        LastSuccess = TimeProvider.GetUtcNow();
        _failingSince = null;
        Volatile.Write(ref _consecutiveFailures, 0);
        Volatile.Write(ref _systemicRejection, null);
    }

    public void RejectionOutage(string? reason) => Volatile.Write(ref _systemicRejection, reason);

    public void DeadLetterBlocked(string? reason) => Volatile.Write(ref _deadLetterFull, reason);

    public void Probed() => Interlocked.Increment(ref _probes);

    /// <summary>Events and windows stored at the arrival-corrected time.</summary>
    public long TimeCorrected => Interlocked.Read(ref _timeCorrected);

    public void CorrectTime()
    {
        Interlocked.Increment(ref _timeCorrected);
    }

    public void WriteFailed(string kind, string? message)
    {
        Error(kind);
        _failingSince ??= TimeProvider.GetUtcNow();
        Volatile.Write(ref _lastError, $"{kind}: {message}");
        Interlocked.Increment(ref _consecutiveFailures);
    }

    public void Error(string kind)
    {
        Interlocked.Increment(ref _errorsTotal);
        _errorsByKind.AddOrUpdate(kind, 1, static (_, n) => n + 1);
    }

    public void DeadLettered(int points)
    {
        Interlocked.Add(ref _deadLetteredTotal, points);
    }

    public void BackPressure() => Interlocked.Increment(ref _backPressureWaits);

    public long ErrorsOfKind(string kind) => _errorsByKind.TryGetValue(kind, out long n) ? n : 0;

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveErrors()
    {
        foreach (var (kind, count) in _errorsByKind)
        {
            yield return new Measurement<long>(count, new KeyValuePair<string, object?>("kind", kind));
        }
    }
}
