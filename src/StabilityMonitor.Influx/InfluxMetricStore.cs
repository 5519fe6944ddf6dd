using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Durability.Journal;
using StabilityMonitor.Influx.LineProtocol;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Influx;

/// <summary>
/// <see cref="IMetricStore"/> over the write-ahead journal: each point is formatted as line protocol into a stack
/// buffer and appended, allocation-free, on the caller's thread. Sending is the drain loop's business.
/// When the journal refuses a point, because it is full or because a write failed (disk full, I/O error), the
/// returned task keeps a copy and completes once the point is in: the caller's queue holds what comes next, the
/// health check reports the failure, and appends resume by themselves when the disk takes writes again.
/// </summary>
internal sealed class InfluxMetricStore : IMetricStore
{
    /// <summary>Longest facility or device id, in characters.</summary>
    public const int MaxTagLength = 64;

    private const int Header = WriteAheadJournal.RecordHeaderBytes;
    private const int StackFrameBytes = 1024;
    private const int LargeFrameBytes = Header + WriteAheadJournal.DefaultMaxRecordBytes;

    private readonly WriteAheadJournal _journal;
    private readonly StoreTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly long _maxSkewMicros;

    // Devices whose clock was corrected, logged once each (per-point logging would flood at window rate).
    private readonly ConcurrentDictionary<string, byte> _skewLogged = new(StringComparer.Ordinal);
    private int _fullLogged;
    private int _writeFailing;

    public InfluxMetricStore(WriteAheadJournal journal, StoreTelemetry telemetry, IOptions<InfluxOptions> options, ILogger<InfluxMetricStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _journal = journal;
        _telemetry = telemetry;
        _logger = logger;
        _maxSkewMicros = options.Value.MaxDeviceClockSkew.Ticks / TimeSpan.TicksPerMicrosecond;
    }

    public long BacklogPoints => _journal.BacklogPoints;

    public ValueTask AppendEventAsync(
        string facility, string deviceId, in StabilityEvent stabilityEvent, long arrivalMicros = 0, CancellationToken cancellationToken = default)
    {
        CheckTags(facility, deviceId);
        long shift = ClockShift(deviceId, stabilityEvent.DecisionTimeMicros, arrivalMicros);
        return Format(new PendingEvent(facility, deviceId, stabilityEvent, shift), priority: true, cancellationToken);
    }

    public ValueTask AppendDeviceEventAsync(
        string facility, string deviceId, string kind, long timeMicros, byte severity, string? note = null, CancellationToken cancellationToken = default)
    {
        CheckTags(facility, deviceId);
        if (!StoreEventKinds.IsValid(kind))
        {
            InfluxThrowHelper.ThrowArgument("Kind must be 1..32 characters of [a-z0-9_].", nameof(kind));
        }

        return Format(new PendingDeviceEvent(facility, deviceId, kind, timeMicros, severity, note), priority: true, cancellationToken);
    }

    public ValueTask AppendWindowAsync(
        string facility, string deviceId, in SwayMetrics metrics, long arrivalMicros = 0, CancellationToken cancellationToken = default)
    {
        CheckTags(facility, deviceId);
        long shift = ClockShift(deviceId, metrics.EndMicros, arrivalMicros);
        return Format(new PendingWindow(facility, deviceId, metrics, shift), priority: false, cancellationToken);
    }

    public ValueTask AppendQualityAsync(string facility, string deviceId, in DeviceQuality quality, CancellationToken cancellationToken = default)
    {
        CheckTags(facility, deviceId);
        return Format(new PendingQuality(facility, deviceId, quality), priority: false, cancellationToken);
    }

    /// <summary>A point of another feature's measurement (<see cref="IMeasurementStore"/>), through the same journal.</summary>
    internal ValueTask AppendMeasurementAsync(MeasurementPoint point, bool priority, CancellationToken cancellationToken)
    {
        CheckTags(point.Facility, point.DeviceId);
        return Format(new PendingMeasurement(point), priority, cancellationToken);
    }

    /// <summary>
    /// 0 when the device's time is within the allowed skew of the arrival time (or either is unknown), else the
    /// shift that moves the device time onto the arrival time, counted.
    /// </summary>
    private long ClockShift(string deviceId, long deviceMicros, long arrivalMicros)
    {
        if (arrivalMicros <= 0 || _maxSkewMicros == 0)
        {
            return 0;
        }

        long shift = arrivalMicros - deviceMicros;
        if (Math.Abs(shift) <= _maxSkewMicros)
        {
            return 0;
        }

        _telemetry.CorrectTime();
        if (_skewLogged.TryAdd(deviceId, 0))
        {
            InfluxLog.DeviceClockCorrected(_logger, deviceId, TimeSpan.FromTicks(shift * TimeSpan.TicksPerMicrosecond), TimeSpan.FromTicks(_maxSkewMicros * TimeSpan.TicksPerMicrosecond));
        }

        // A clock never reports exactly the same moment twice, so the shift keeps a device's points distinct and in order.
        return shift;
    }

    private static void CheckTags(string facility, string deviceId)
    {
        if (string.IsNullOrEmpty(facility) || facility.Length > MaxTagLength)
        {
            InfluxThrowHelper.ThrowArgument("Facility must be 1..64 characters.", nameof(facility));
        }

        if (string.IsNullOrEmpty(deviceId) || deviceId.Length > MaxTagLength)
        {
            InfluxThrowHelper.ThrowArgument("Device id must be 1..64 characters.", nameof(deviceId));
        }
    }

    /// <summary>Formats into a stack buffer, or a pooled one for a point too large for it, and appends.</summary>
    private ValueTask Format<TPoint>(in TPoint point, bool priority, CancellationToken cancellationToken)
        where TPoint : struct, IPendingPoint
    {
        Span<byte> frame = stackalloc byte[StackFrameBytes];
        int length = point.Write(frame[Header..]);
        if (length < 0)
        {
            byte[] large = ArrayPool<byte>.Shared.Rent(LargeFrameBytes);
            length = point.Write(large.AsSpan(Header, LargeFrameBytes - Header));
            return AppendRented(large, length, priority, cancellationToken);
        }

        return Append(frame[..(Header + length)], priority, cancellationToken);
    }

    private ValueTask Append(Span<byte> frame, bool priority, CancellationToken cancellationToken)
    {
        if (TryAppend(frame, priority))
        {
            return ValueTask.CompletedTask;
        }

        byte[] copy = ArrayPool<byte>.Shared.Rent(frame.Length);
        frame.CopyTo(copy);
        return WaitAndAppendAsync(copy, frame.Length, priority, cancellationToken);
    }

    /// <summary>Appends a frame formatted into a rented buffer, returning the buffer whatever happens.</summary>
    private ValueTask AppendRented(byte[] rented, int payloadLength, bool priority, CancellationToken cancellationToken)
    {
        if (payloadLength < 0)
        {
            ArrayPool<byte>.Shared.Return(rented);
            InfluxThrowHelper.ThrowArgument("The point is larger than a journal record may be.", nameof(payloadLength));
        }

        bool appended;
        try
        {
            appended = TryAppend(rented.AsSpan(0, Header + payloadLength), priority);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }

        if (appended)
        {
            ArrayPool<byte>.Shared.Return(rented);
            return ValueTask.CompletedTask;
        }

        return WaitAndAppendAsync(rented, Header + payloadLength, priority, cancellationToken);
    }

    private bool TryAppend(Span<byte> frame, bool priority)
    {
        if (_journal.TryAppend(frame, priority))
        {
            _telemetry.Appended();
            Volatile.Write(ref _fullLogged, 0);
            if (Volatile.Read(ref _writeFailing) == 1 && Interlocked.Exchange(ref _writeFailing, 0) == 1)
            {
                InfluxLog.JournalWriteRecovered(_logger, _journal.AppendFailures);
            }

            return true;
        }

        if (_journal.CurrentFailure is { } failure)
        {
            _telemetry.Error("journal_io");
            if (Interlocked.Exchange(ref _writeFailing, 1) == 0)
            {
                InfluxLog.JournalWriteFailing(_logger, failure.Error);
            }
        }

        return false;
    }

    /// <summary>
    /// Slow path, journal full or failing: wait for the drain loop to free space (back-pressure), or for the retry
    /// interval after a write error, and try again; never drop.
    /// </summary>
    private async ValueTask WaitAndAppendAsync(byte[] frame, int length, bool priority, CancellationToken cancellationToken)
    {
        try
        {
            _telemetry.BackPressure();
            if (Volatile.Read(ref _writeFailing) == 0 && Interlocked.Exchange(ref _fullLogged, 1) == 0)
            {
                InfluxLog.JournalFull(_logger, _journal.SizeBytes, _journal.MaxBytes);
            }

            while (true)
            {
                await _journal.WaitForSpaceAsync(length, priority, cancellationToken).ConfigureAwait(false);
                if (TryAppend(frame.AsSpan(0, length), priority))
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }
}
