using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// One device's stream, owned in one place: its sequencer, processor, evidence ring, counters and status. A frame goes
/// in through <see cref="Accept"/> and is sequenced, processed and counted here; only what every device shares (metrics,
/// observables, observers, the sample pool) goes out to the <see cref="IDeviceStreamHost"/>. Not thread-safe: the host
/// calls it from one thread at a time (the pipeline's lock).
/// </summary>
/// <remarks>
/// Memory per device is fixed by the options: the sequencer's held frames (at most
/// <see cref="PipelineOptions.MaxHeldFrames"/>, pooled buffers), the processor's filters and history for one rate,
/// and the evidence ring (about 2 KB: 25 Hz means as 16-bit counts).
/// </remarks>
internal sealed class DeviceStream : IProcessorSink, ISequencedFrameTarget
{
    private readonly IDeviceStreamHost _host;
    private readonly ProcessorOptions _processorOptions;

    public DeviceStream(string id, IDeviceStreamHost host, ProcessorOptions processorOptions, FrameSequencer sequencer)
    {
        Id = id;
        _host = host;
        _processorOptions = processorOptions;
        Processor = new DeviceProcessor(processorOptions);
        Sequencer = sequencer;
    }

    public string Id { get; }

    /// <summary>Replaced (history lost) by <see cref="ResetProcessing"/>: its state may be inconsistent after a throw.</summary>
    public DeviceProcessor Processor { get; private set; }

    public FrameSequencer Sequencer { get; }

    public EvidenceRecorder Evidence { get; } = new();

    public bool Online { get; set; }

    public DateTimeOffset? LastSeen { get; set; }

    /// <summary>Arrival time (Unix µs) of the last frame or status processed; 0 when none carried one.</summary>
    public long LastArrivalMicros { get; set; }

    public long? LastDeviceTimeMicros { get; set; }

    /// <summary>The last frame's device time minus its arrival time (saturating); null before a logged or timed frame.</summary>
    public long? ClockOffsetMicros { get; set; }

    public int? RateHz { get; set; }

    public float? Battery { get; set; }

    public string? Firmware { get; set; }

    public long Events { get; set; }

    /// <summary>
    /// Frame-log position of the last message this device took (0: none logged). Kept in its state: a checkpoint written
    /// in chunks holds devices at different positions, and the replay after it skips what each device already had.
    /// </summary>
    public long LastLogPosition { get; set; }

    /// <summary>Until when the device's frames are rejected; null when not quarantined.</summary>
    public DateTimeOffset? QuarantinedUntil { get; set; }

    /// <summary>Frames rejected during the current quarantine.</summary>
    public long QuarantineRejects { get; set; }

    /// <summary>The recency list the device is in (probation or established), and its neighbours there.</summary>
    public DeviceLru? Lru { get; set; }

    public DeviceStream? Older { get; set; }

    public DeviceStream? Newer { get; set; }

    public long Frames;
    public long Samples;
    public long Lost;
    public long Duplicates;
    public long Reordered;
    public long Late;
    public long ClockJumps;
    public long Restarts;

    public DeviceQuality Quality => new(Frames, Samples, Lost, Duplicates, Reordered, Late, ClockJumps, Restarts, 0);

    /// <summary>
    /// Writes the device for a checkpoint: counters and status, then the processor's state as one length-prefixed block
    /// (so a block that no longer fits the options can be skipped on restore), the sequencer and the evidence ring.
    /// </summary>
    public void WriteState(BinaryWriter writer, MemoryStream scratch)
    {
        writer.Write(Id);
        writer.Write(LastLogPosition);
        writer.Write(Online);
        WriteTime(writer, LastSeen);
        writer.Write(LastDeviceTimeMicros.HasValue);
        writer.Write(LastDeviceTimeMicros ?? 0);
        writer.Write(RateHz ?? -1);
        writer.Write(Battery ?? float.NaN);
        writer.Write(Firmware is not null);
        writer.Write(Firmware ?? string.Empty);
        writer.Write(Events);
        WriteTime(writer, QuarantinedUntil);
        writer.Write(QuarantineRejects);
        writer.Write(Frames);
        writer.Write(Samples);
        writer.Write(Lost);
        writer.Write(Duplicates);
        writer.Write(Reordered);
        writer.Write(Late);
        writer.Write(ClockJumps);
        writer.Write(Restarts);

        scratch.SetLength(0);
        using (var block = new BinaryWriter(scratch, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            Processor.WriteState(block);
        }

        writer.Write((int)scratch.Length);
        writer.Write(scratch.GetBuffer().AsSpan(0, (int)scratch.Length));
        Sequencer.WriteState(writer);
        Evidence.WriteState(writer);
    }

    /// <summary>
    /// Restores what <see cref="WriteState"/> wrote (after the id, which the caller read to build this device). False
    /// when the processor's block does not fit this build's options: the device then has a fresh processor.
    /// <paramref name="logPosition"/> is the position of a state written before devices kept their own (checkpoint
    /// version 1, which holds the whole table at one position); null reads the device's own.
    /// </summary>
    public bool ReadState(BinaryReader reader, SamplePool pool, long receivedTimestamp, long? logPosition = null)
    {
        LastLogPosition = logPosition ?? reader.ReadInt64();
        Online = reader.ReadBoolean();
        LastSeen = ReadTime(reader);
        var hasDeviceTime = reader.ReadBoolean();
        var deviceTime = reader.ReadInt64();
        LastDeviceTimeMicros = hasDeviceTime ? deviceTime : null;
        var rate = reader.ReadInt32();
        RateHz = rate >= 0 ? rate : null;
        var battery = reader.ReadSingle();
        Battery = float.IsNaN(battery) ? null : battery;
        var hasFirmware = reader.ReadBoolean();
        var firmware = reader.ReadString();
        Firmware = hasFirmware ? firmware : null;
        Events = reader.ReadInt64();
        QuarantinedUntil = ReadTime(reader);
        QuarantineRejects = reader.ReadInt64();
        Frames = reader.ReadInt64();
        Samples = reader.ReadInt64();
        Lost = reader.ReadInt64();
        Duplicates = reader.ReadInt64();
        Reordered = reader.ReadInt64();
        Late = reader.ReadInt64();
        ClockJumps = reader.ReadInt64();
        Restarts = reader.ReadInt64();

        var length = reader.ReadInt32();
        var block = reader.ReadBytes(length);
        if (block.Length != length)
        {
            throw new EndOfStreamException("The checkpoint ends inside a processor's state.");
        }

        var restored = true;
        try
        {
            using var blockReader = new BinaryReader(new MemoryStream(block, writable: false));
            Processor.ReadState(blockReader);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            // Half read: start the wearer afresh rather than from a mixture.
            restored = false;
            ResetProcessing(clearEvidence: false);
        }

        Sequencer.ReadState(reader, pool, receivedTimestamp);
        Evidence.ReadState(reader);
        return restored;
    }

    private static void WriteTime(BinaryWriter writer, DateTimeOffset? time) => writer.Write(time?.UtcTicks ?? -1);

    private static DateTimeOffset? ReadTime(BinaryReader reader)
    {
        var ticks = reader.ReadInt64();
        return ticks >= 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }

    /// <summary>Takes one of the device's frames (the stream owns its buffer from here on): sequenced, then processed in order.</summary>
    public void Accept(in IngestItem item) => Sequencer.Accept(item, this);

    /// <summary>Processes every held frame in order, counting the gaps before them (the device went quiet).</summary>
    public void Flush() => Sequencer.Flush(this);

    /// <summary>Drops every held frame unprocessed, returning their buffers.</summary>
    public void Discard() => Sequencer.Discard(this);

    /// <summary>
    /// Forgets the processor's history (a fresh processor: the wearer's sway baseline is lost) and the pending evidence;
    /// for a stream whose state can no longer be trusted, or whose saved processor does not fit this build's options.
    /// </summary>
    public void ResetProcessing(bool clearEvidence)
    {
        Processor = new DeviceProcessor(_processorOptions);
        if (clearEvidence)
        {
            Evidence.Clear();
        }
    }

    void ISequencedFrameTarget.Release(in IngestItem item)
    {
        try
        {
            var header = item.Header;
            Processor.Process(header, item.SampleSpan, this);

            // After the processor: an event it raised in this frame took the history up to its own sample, the rest of the frame is added here.
            Evidence.Add(header, item.SampleSpan);
            Frames++;
            Samples += header.SampleCount;
            LastDeviceTimeMicros = header.EndTimeMicros;
            if (item.ArrivalUnixMicros > 0)
            {
                ClockOffsetMicros = DeviceTimeMath.Subtract(header.DeviceTimeMicros, item.ArrivalUnixMicros);
            }

            RateHz = header.SampleRateHz;
            _host.FrameProcessed(this, item);
        }
        finally
        {
            _host.ReturnSamples(item);
        }
    }

    void ISequencedFrameTarget.Drop(in IngestItem item) => _host.ReturnSamples(item);

    void ISequencedFrameTarget.Count(SequenceAnomaly anomaly, long frames)
    {
        switch (anomaly)
        {
            case SequenceAnomaly.Lost:
                Lost += frames;
                break;
            case SequenceAnomaly.Duplicate:
                Duplicates += frames;
                break;
            case SequenceAnomaly.Reordered:
                Reordered += frames;
                break;
            case SequenceAnomaly.Late:
                Late += frames;
                break;
            case SequenceAnomaly.ClockJump:
                ClockJumps += frames;
                break;
            case SequenceAnomaly.Restart:
                Restarts += frames;
                break;
        }

        _host.AnomalyCounted(this, anomaly, frames);
    }

    void IProcessorSink.OnEvent(in StabilityEvent stabilityEvent)
    {
        Events++;
        _host.EventRaised(this, stabilityEvent);
    }

    void IProcessorSink.OnWindow(in SwayMetrics metrics) => _host.WindowClosed(this, metrics);
}
