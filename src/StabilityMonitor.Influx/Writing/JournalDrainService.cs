using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Durability.Journal;

namespace StabilityMonitor.Influx.Writing;

/// <summary>
/// The one reader of the journal: waits for a batch (<see cref="InfluxOptions.BatchSize"/> points or
/// <see cref="InfluxOptions.FlushInterval"/>), sends it, acknowledges what the server stored, in journal order.
/// Transient failures keep the batch and retry it after an exponential backoff with jitter. A rejected batch is
/// halved until the bad points are alone; those go to the dead-letter file and the rest is written (re-sending
/// points the server already stored is harmless: same series and timestamp overwrite, they do not add).
/// <para>
/// A 400 is not proof of bad data: a proxy or a misconfigured server answers 400 to everything, and dead-lettering
/// on its word would empty the journal into the dead-letter file. So a point is dead-lettered only when the server,
/// asked at that moment, still stores a point it stored before (the probe, see <see cref="CheckServerAcceptsAsync"/>).
/// When it rejects that too, the rejection is an outage: nothing is dead-lettered, the journal keeps everything,
/// the health check and <c>stability_store_rejection_outage</c> say so, and the batch is retried after a backoff.
/// When the dead-letter file is at its bound, the bad point stays in the journal too (and the store alarms).
/// </para>
/// </summary>
internal sealed class JournalDrainService : BackgroundService
{
    private readonly WriteAheadJournal _journal;
    private readonly IPointWriter? _writer;
    private readonly DeadLetterFile _deadLetters;
    private readonly StoreTelemetry _telemetry;
    private readonly InfluxOptions _options;
    private readonly RetryBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // The last point the server stored, with its '\n': re-sent as a probe after a rejection. Allocated once; the
    // largest record fits.
    private readonly byte[] _probe = new byte[WriteAheadJournal.DefaultMaxRecordBytes + 1];
    private int _probeLength;

    /// <summary>Points of the batch tried singly as a probe when no point was stored since start.</summary>
    internal const int MaxProbeScan = 8;

    public JournalDrainService(
        WriteAheadJournal journal,
        DeadLetterFile deadLetters,
        StoreTelemetry telemetry,
        IOptions<InfluxOptions> options,
        ILoggerFactory loggerFactory)
        : this(journal, PointWriterFactory.Create(options.Value, loggerFactory), deadLetters, telemetry, options.Value,
            telemetry.TimeProvider, Random.Shared, loggerFactory.CreateLogger<JournalDrainService>())
    {
    }

    internal JournalDrainService(
        WriteAheadJournal journal,
        IPointWriter? writer,
        DeadLetterFile deadLetters,
        StoreTelemetry telemetry,
        InfluxOptions options,
        TimeProvider timeProvider,
        Random random,
        ILogger logger)
    {
        _journal = journal;
        _writer = writer;
        _deadLetters = deadLetters;
        _telemetry = telemetry;
        _options = options;
        _backoff = new RetryBackoff(options.RetryInitialDelay, options.RetryMaxDelay, random);
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Whether a server is configured (else points stay in the journal).</summary>
    public bool HasServer => _writer is not null;

    public override void Dispose()
    {
        base.Dispose();
        _writer?.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        InfluxLog.JournalOpened(_logger, _journal.DirectoryPath, _journal.BacklogPoints, _journal.SizeBytes, _journal.TruncatedBytes);
        if (_writer is null)
        {
            InfluxLog.NoServer(_logger, _journal.DirectoryPath, _journal.MaxBytes);
            return;
        }

        InfluxLog.DrainStarted(_logger, _writer.Target, _journal.BacklogPoints);
        // Large enough for a full batch of ordinary points (a few hundred bytes each) and any single record.
        int bufferBytes = (int)Math.Clamp(_options.BatchSize * 512L, 256 * 1024, 16 * 1024 * 1024);
        var batch = new JournalBatch(_options.BatchSize, bufferBytes);
        int failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WaitForPointsAsync(stoppingToken).ConfigureAwait(false);
                while (TryRead(batch))
                {
                    WriteOutcome outcome = await SendAsync(batch, 0, batch.Count, stoppingToken).ConfigureAwait(false);
                    if (outcome.Kind == WriteOutcomeKind.Written)
                    {
                        if (failures > 0)
                        {
                            InfluxLog.WriteRecovered(_logger, _writer.Target, failures, _journal.BacklogPoints);
                            failures = 0;
                        }

                        continue;
                    }

                    failures++;
                    TimeSpan delay = _backoff.Next(failures, outcome.RetryAfter);
                    InfluxLog.WriteFailed(_logger, _writer.Target, outcome.ErrorKind, outcome.Status, outcome.Message, failures, delay, _journal.BacklogPoints);
                    await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not ObjectDisposedException)
            {
                TimeSpan delay = _options.RetryMaxDelay;
                _telemetry.WriteFailed("internal", ex.Message);
                InfluxLog.DrainLoopFailed(_logger, delay, ex);
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits for a first point, then up to the flush interval for a full batch.</summary>
    private async Task WaitForPointsAsync(CancellationToken cancellationToken)
    {
        await _journal.WaitForBacklogAsync(1, cancellationToken).ConfigureAwait(false);
        if (_journal.BacklogPoints >= _options.BatchSize)
        {
            return;
        }

        try
        {
            await _journal.WaitForBacklogAsync(_options.BatchSize, cancellationToken)
                .WaitAsync(_options.FlushInterval, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The interval is up: send what there is.
        }
    }

    private bool TryRead(JournalBatch batch)
    {
        try
        {
            return _journal.TryReadBatch(batch);
        }
        catch (InvalidDataException ex)
        {
            long skipped = _journal.SkipCorruptRemainder(batch.SegmentId);
            _telemetry.Error("journal_corrupt");
            InfluxLog.JournalCorrupt(_logger, skipped, ex);
            return _journal.TryReadBatch(batch);
        }
    }

    /// <summary>Sends records [start, end) of the batch; returns Written once all are stored or dead-lettered.</summary>
    private async Task<WriteOutcome> SendAsync(JournalBatch batch, int start, int end, CancellationToken cancellationToken)
    {
        int points = end - start;
        WriteOutcome outcome = await _writer!.WriteAsync(batch.Slice(start, end), points, cancellationToken).ConfigureAwait(false);
        switch (outcome.Kind)
        {
            case WriteOutcomeKind.Written:
                // Counted before the journal lets go: whoever sees the journal drained also sees the points counted.
                _telemetry.Written(points);
                _journal.Acknowledge(batch.SegmentId, batch.SegmentEndOf(end - 1), points);
                RememberProbe(batch.Line(end - 1).Span);
                return outcome;

            case WriteOutcomeKind.Rejected or WriteOutcomeKind.TooLarge:
                _telemetry.Error(outcome.ErrorKind ?? "rejected");

                // Ask the server before splitting a whole batch (a server rejecting everything is then found with one
                // request instead of a bisection) and again before dead-lettering a single point (it may have started
                // rejecting everything during the bisection).
                bool wholeBatch = start == 0 && end == batch.Count;
                if ((wholeBatch && outcome.Kind == WriteOutcomeKind.Rejected) || points == 1)
                {
                    WriteOutcome check = await CheckServerAcceptsAsync(batch, start, outcome, scan: points == 1, cancellationToken).ConfigureAwait(false);
                    if (check.Kind != WriteOutcomeKind.Written)
                    {
                        return check;
                    }
                }

                if (points == 1)
                {
                    // The server accepts writes now, but this point's rejection may be older than that (an outage
                    // that ended between the two requests): it is bad data only if the server refuses it again.
                    WriteOutcome again = await _writer!.WriteAsync(batch.Slice(start, end), 1, cancellationToken).ConfigureAwait(false);
                    switch (again.Kind)
                    {
                        case WriteOutcomeKind.Written:
                            _telemetry.Written(1);
                            _journal.Acknowledge(batch.SegmentId, batch.SegmentEndOf(start), 1);
                            RememberProbe(batch.Line(start).Span);
                            return again;
                        case WriteOutcomeKind.Rejected or WriteOutcomeKind.TooLarge:
                            return DeadLetter(batch, start, again);
                        default:
                            _telemetry.WriteFailed(again.ErrorKind ?? "unknown", again.Message);
                            return again;
                    }
                }

                int middle = start + (points / 2);
                WriteOutcome first = await SendAsync(batch, start, middle, cancellationToken).ConfigureAwait(false);
                return first.Kind == WriteOutcomeKind.Written
                    ? await SendAsync(batch, middle, end, cancellationToken).ConfigureAwait(false)
                    : first;

            default:
                _telemetry.WriteFailed(outcome.ErrorKind ?? "unknown", outcome.Message);
                return outcome;
        }
    }

    /// <summary>
    /// Tells bad data from a server that rejects everything: re-sends the last point the server stored (harmless:
    /// same identity, it overwrites itself). Written: the server stores valid points now, so the rejection was about
    /// the content. Rejected: an outage. Without such a point (nothing stored since start) and when
    /// <paramref name="scan"/>, the next points of the batch after <paramref name="index"/> are tried singly (at most
    /// <see cref="MaxProbeScan"/>); the first one stored is the proof, none stored is an outage. Such a probe point is
    /// sent once more later with its batch.
    /// </summary>
    private async Task<WriteOutcome> CheckServerAcceptsAsync(
        JournalBatch batch, int index, WriteOutcome rejection, bool scan, CancellationToken cancellationToken)
    {
        if (_probeLength > 0)
        {
            _telemetry.Probed();
            WriteOutcome probe = await _writer!.WriteAsync(_probe.AsMemory(0, _probeLength), 1, cancellationToken).ConfigureAwait(false);
            return probe.Kind switch
            {
                WriteOutcomeKind.Written => probe,
                WriteOutcomeKind.Rejected or WriteOutcomeKind.TooLarge => RejectionOutage(rejection),
                _ => Failed(probe),
            };
        }

        if (!scan)
        {
            // Nothing to compare with yet: the bisection's single points will be checked.
            return WriteOutcome.Written;
        }

        int last = Math.Min(batch.Count, index + 1 + MaxProbeScan);
        for (int i = index + 1; i < last; i++)
        {
            _telemetry.Probed();
            WriteOutcome probe = await _writer!.WriteAsync(batch.Slice(i, i + 1), 1, cancellationToken).ConfigureAwait(false);
            if (probe.Kind == WriteOutcomeKind.Written)
            {
                RememberProbe(batch.Line(i).Span);
                return probe;
            }

            if (probe.Kind is not (WriteOutcomeKind.Rejected or WriteOutcomeKind.TooLarge))
            {
                return Failed(probe);
            }
        }

        return RejectionOutage(rejection);
    }

    private WriteOutcome DeadLetter(JournalBatch batch, int index, WriteOutcome rejection)
    {
        if (!_deadLetters.TryWrite(batch.Line(index).Span, rejection.Status, rejection.Message))
        {
            bool first = _telemetry.DeadLetterFull is null;
            _telemetry.DeadLetterBlocked($"Dead-letter file at its bound of {_deadLetters.MaxBytes} bytes; a rejected point (HTTP {rejection.Status}: {rejection.Message}) waits in the journal");
            _telemetry.WriteFailed("dead_letter_full", rejection.Message);
            if (first)
            {
                InfluxLog.DeadLetterFull(_logger, _deadLetters.Path, _deadLetters.MaxBytes, rejection.Status, rejection.Message);
            }

            return new WriteOutcome(WriteOutcomeKind.Retry, "dead_letter_full", rejection.Status, rejection.Message);
        }

        // Counted before the journal releases it, so whoever sees the backlog shrink also sees the count.
        _telemetry.DeadLettered(1);
        _telemetry.DeadLetterBlocked(null);
        InfluxLog.PointDeadLettered(_logger, rejection.Status, rejection.Message, _deadLetters.Path);
        _journal.Acknowledge(batch.SegmentId, batch.SegmentEndOf(index), 1);
        return WriteOutcome.Written;
    }

    private WriteOutcome RejectionOutage(WriteOutcome rejection)
    {
        bool first = _telemetry.SystemicRejection is null;
        _telemetry.RejectionOutage($"Server rejects every write, even a point it stored before (HTTP {rejection.Status}: {rejection.Message})");
        _telemetry.WriteFailed("rejected_outage", rejection.Message);
        if (first)
        {
            InfluxLog.RejectionOutage(_logger, _writer!.Target, rejection.Status, rejection.Message, _journal.BacklogPoints);
        }

        return new WriteOutcome(WriteOutcomeKind.Retry, "rejected_outage", rejection.Status, rejection.Message, rejection.RetryAfter);
    }

    private WriteOutcome Failed(WriteOutcome outcome)
    {
        _telemetry.WriteFailed(outcome.ErrorKind ?? "unknown", outcome.Message);
        return outcome;
    }

    private void RememberProbe(ReadOnlySpan<byte> line)
    {
        line.CopyTo(_probe);
        _probe[line.Length] = (byte)'\n';
        _probeLength = line.Length + 1;
    }
}
