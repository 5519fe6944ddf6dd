using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Influx.Journal;

namespace StabilityMonitor.Influx.Writing;

/// <summary>
/// The one reader of the journal: waits for a batch (<see cref="InfluxOptions.BatchSize"/> points or
/// <see cref="InfluxOptions.FlushInterval"/>), sends it, acknowledges what the server stored, in journal order.
/// Transient failures keep the batch and retry it after an exponential backoff with jitter. A rejected batch is
/// halved until the bad points are alone; those go to the dead-letter file and the rest is written (re-sending
/// points the server already stored is harmless: same series and timestamp overwrite, they do not add).
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
                _journal.Acknowledge(batch.SegmentId, batch.SegmentEndOf(end - 1), points);
                _telemetry.Written(points);
                return outcome;

            case WriteOutcomeKind.Rejected or WriteOutcomeKind.TooLarge:
                _telemetry.Error(outcome.ErrorKind ?? "rejected");
                if (points == 1)
                {
                    _deadLetters.Write(batch.Line(start).Span, outcome.Status, outcome.Message);
                    _journal.Acknowledge(batch.SegmentId, batch.SegmentEndOf(start), 1);
                    _telemetry.DeadLettered(1);
                    InfluxLog.PointDeadLettered(_logger, outcome.Status, outcome.Message, _deadLetters.Path);
                    return WriteOutcome.Written;
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
}
