using System.Buffers;
using System.Runtime.InteropServices;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// One device's events waiting for their evidence trace: 4 s either side of the event at 25 Hz, each point the mean of
/// the samples in a 40 ms slot of device time (slot number = device time / 40 000 µs), so gaps and reordering need no
/// bookkeeping. What led up to an event is taken from the processor's raw history when the event is raised
/// (<see cref="IHistorySource"/>, which holds it for this); what follows is added frame by frame until the device's
/// data passes the end of the window. Nothing is kept for a device with no event waiting, and nothing is allocated per
/// sample; a waiting trace's slots are rented. Not thread-safe: touched only by the device's own processing.
/// </summary>
/// <remarks>
/// The means are kept as 16-bit counts of 2^-11 g (0.49 mg, ±16 g: a 16 g range's own count): a trace's points are
/// whole milli-g, so this costs at most one milli-g on a point. Each sample moves its slot's mean by its share,
/// rounded; at 50 Hz (two samples a slot) that is exact to the unit. Until issue 11 each device kept a 10.24 s ring of
/// these slots all the time (2 KB a wearable, written in every checkpoint) for the few moments one was needed.
/// </remarks>
internal sealed class EvidenceRecorder
{
    /// <summary>Points per second of a trace.</summary>
    public const int RateHz = 25;

    /// <summary>Slots (4 s each way) before and after the event's slot in a trace.</summary>
    public const int SlotsEachSide = 4 * RateHz;

    private const long SlotMicros = 1_000_000 / RateHz;
    private const int TraceSlots = 2 * SlotsEachSide;

    // x, y, z means and the count.
    private const int Lanes = 4;
    private const int MaxPending = 4;

    // 2^11 counts a g.
    private const float Unit = 2048f;

    // Format 3: the waiting traces' own slots. Format 2: a ring of 256 slots of means and ushort counts, behind a flag
    // for "empty"; before it, the flag (0 or 1) first and the ring as float sums.
    private const byte TracesFormat = 3;
    private const byte RingFormat = 2;
    private const int RingSlots = 256;

    private readonly PendingEvidence[] _pending = new PendingEvidence[MaxPending];
    private int _pendingCount;

    // The newest slot with data since the oldest waiting trace was remembered (a trace is cut short when the stream stops before its end).
    private long _head;
    private bool _empty = true;

    /// <summary>Events waiting for their trace.</summary>
    public int PendingCount => _pendingCount;

    /// <summary>Adds a frame's samples (in release order, after the processor has seen them) to the waiting traces.</summary>
    public void Add(in FrameHeader header, ReadOnlySpan<AccelSample> samples)
    {
        var rate = header.SampleRateHz;
        if (_pendingCount == 0 || rate == 0)
        {
            return;
        }

        var pending = _pending;
        for (var i = 0; i < samples.Length; i++)
        {
            var micros = DeviceTimeMath.Add(header.DeviceTimeMicros, i * 1_000_000L / rate);
            var slot = Slot(micros);
            var taken = false;
            for (var p = 0; p < _pendingCount; p++)
            {
                ref readonly var trace = ref pending[p];
                if (micros > trace.ThroughMicros)
                {
                    taken |= Accumulate(trace.Slots, FirstSlot(trace.TimeMicros), slot, samples[i]);
                }
            }

            if (taken)
            {
                MarkHead(slot);
            }
        }
    }

    /// <summary>
    /// Remembers an event, with what <paramref name="history"/> still holds of the 4 s before it (called as the event is
    /// raised, the history reaches to the sample that raised it); its trace is published once the device's data passes
    /// the end of its window. When more events are waiting than the fixed table holds, the oldest is published now, cut
    /// short.
    /// </summary>
    public void Remember<THistory>(string deviceId, in StabilityEvent stabilityEvent, IObserver<EventEvidence> observer, THistory history)
        where THistory : IHistorySource
    {
        if (_pendingCount == MaxPending)
        {
            PublishAt(0, deviceId, observer, truncated: true);
        }

        var slots = RentSlots();
        var first = FirstSlot(stabilityEvent.TimeMicros);
        var capture = new HistoryCapture(slots, first);
        history.ReplayHistory(SlotStart(first), ref capture);
        if (capture.NewestSlot is { } newest)
        {
            MarkHead(newest);
        }

        _pending[_pendingCount++] = new PendingEvidence(stabilityEvent.Kind, stabilityEvent.TimeMicros, slots, capture.ThroughMicros);
    }

    /// <summary>Publishes the traces whose window ended before <paramref name="deviceTimeMicros"/> (the end of the newest frame).</summary>
    public void PublishDue(string deviceId, long deviceTimeMicros, IObserver<EventEvidence> observer)
    {
        var i = 0;
        while (i < _pendingCount)
        {
            if (Slot(deviceTimeMicros) >= EndSlot(_pending[i].TimeMicros))
            {
                PublishAt(i, deviceId, observer, truncated: false);
            }
            else
            {
                i++;
            }
        }
    }

    /// <summary>Publishes every waiting trace with the data there is (device offline, flushed, quarantined or evicted).</summary>
    public void PublishAll(string deviceId, IObserver<EventEvidence> observer)
    {
        while (_pendingCount > 0)
        {
            PublishAt(0, deviceId, observer, truncated: !_empty && _head < EndSlot(_pending[0].TimeMicros) - 1);
        }
    }

    /// <summary>Forgets the waiting events and their traces (after <see cref="PublishAll"/>).</summary>
    public void Clear()
    {
        while (_pendingCount > 0)
        {
            ReturnSlots(_pending[--_pendingCount].Slots);
            _pending[_pendingCount] = default;
        }

        _empty = true;
    }

    /// <summary>Writes the waiting events and their traces so far, for a checkpoint (a few bytes with none waiting).</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(TracesFormat);
        writer.Write(_empty);
        writer.Write(_head);
        writer.Write(_pendingCount);
        for (var i = 0; i < _pendingCount; i++)
        {
            ref readonly var trace = ref _pending[i];
            writer.Write((byte)trace.Kind);
            writer.Write(trace.TimeMicros);
            writer.Write(trace.ThroughMicros);
            writer.Write(MemoryMarshal.AsBytes(trace.Slots.AsSpan(0, Lanes * TraceSlots)));
        }
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote, or what a build that kept a ring of slots wrote, into a new recorder.</summary>
    public void ReadState(BinaryReader reader)
    {
        var first = reader.ReadByte();
        if (first == TracesFormat)
        {
            ReadTraces(reader);
            return;
        }

        var compact = first == RingFormat;
        if (!compact && first > 1)
        {
            throw new InvalidDataException($"The checkpoint's evidence ring starts with {first}, neither a format nor a flag.");
        }

        ReadRing(reader, compact, compact ? reader.ReadBoolean() : first == 1);
    }

    private void ReadTraces(BinaryReader reader)
    {
        var empty = reader.ReadBoolean();
        var head = reader.ReadInt64();
        var count = ReadPendingCount(reader);
        var read = new PendingEvidence[MaxPending];
        try
        {
            for (var i = 0; i < count; i++)
            {
                var kind = (EventKind)reader.ReadByte();
                var time = reader.ReadInt64();
                var through = reader.ReadInt64();
                var slots = RentSlots();
                read[i] = new PendingEvidence(kind, time, slots, through);
                ReadExactly(reader, MemoryMarshal.AsBytes(slots.AsSpan(0, Lanes * TraceSlots)));
            }
        }
        catch
        {
            foreach (var trace in read)
            {
                if (trace.Slots is not null)
                {
                    ReturnSlots(trace.Slots);
                }
            }

            throw;
        }

        Commit(read, count, empty, head);
    }

    // A ring of the last 256 slots: each waiting event's slots are copied out of it, and the frames that follow add to them.
    private void ReadRing(BinaryReader reader, bool compact, bool empty)
    {
        var head = reader.ReadInt64();
        var count = ReadPendingCount(reader);
        var events = new (EventKind Kind, long TimeMicros)[count];
        for (var i = 0; i < count; i++)
        {
            events[i] = ((EventKind)reader.ReadByte(), reader.ReadInt64());
        }

        var means = new short[3 * RingSlots];
        var counts = new ushort[RingSlots];
        if (!empty)
        {
            if (compact)
            {
                ReadExactly(reader, MemoryMarshal.AsBytes(means.AsSpan()));
                ReadExactly(reader, MemoryMarshal.AsBytes(counts.AsSpan()));
            }
            else
            {
                // Float sums, then the counts.
                var sums = new float[3 * RingSlots];
                ReadExactly(reader, MemoryMarshal.AsBytes(sums.AsSpan()));
                ReadExactly(reader, MemoryMarshal.AsBytes(counts.AsSpan()));
                for (var i = 0; i < sums.Length; i++)
                {
                    var n = counts[i / 3];
                    means[i] = n == 0 ? (short)0 : Quantize(sums[i] / n, Unit);
                }
            }
        }

        var read = new PendingEvidence[MaxPending];
        for (var i = 0; i < count; i++)
        {
            var slots = RentSlots();
            var firstSlot = FirstSlot(events[i].TimeMicros);
            for (var j = 0; j < TraceSlots && !empty; j++)
            {
                var slot = firstSlot + j;
                if (slot > head || DeviceTimeMath.Subtract(head, slot) >= RingSlots)
                {
                    continue;
                }

                var k = RingIndex(slot);
                slots[Lanes * j] = means[3 * k];
                slots[(Lanes * j) + 1] = means[(3 * k) + 1];
                slots[(Lanes * j) + 2] = means[(3 * k) + 2];
                slots[(Lanes * j) + 3] = (short)Math.Min(counts[k], (ushort)short.MaxValue);
            }

            // The ring held everything up to its head: every later frame's samples are new to it.
            read[i] = new PendingEvidence(events[i].Kind, events[i].TimeMicros, slots, long.MinValue);
        }

        Commit(read, count, empty, head);
    }

    private void Commit(PendingEvidence[] read, int count, bool empty, long head)
    {
        Clear();
        Array.Copy(read, _pending, count);
        _pendingCount = count;
        _empty = empty || count == 0;
        _head = head;
    }

    private static int ReadPendingCount(BinaryReader reader)
    {
        var pending = reader.ReadInt32();
        if (pending is < 0 or > MaxPending)
        {
            throw new InvalidDataException($"The checkpoint holds {pending} waiting traces; at most {MaxPending} wait.");
        }

        return pending;
    }

    private static void ReadExactly(BinaryReader reader, Span<byte> target)
    {
        if (reader.Read(target) != target.Length)
        {
            throw new EndOfStreamException("The checkpoint ends inside an evidence trace.");
        }
    }

    private static short[] RentSlots()
    {
        var slots = ArrayPool<short>.Shared.Rent(Lanes * TraceSlots);
        Array.Clear(slots, 0, Lanes * TraceSlots);
        return slots;
    }

    private static void ReturnSlots(short[] slots) => ArrayPool<short>.Shared.Return(slots);

    private static long Slot(long micros) => micros >= 0 ? micros / SlotMicros : ((micros + 1) / SlotMicros) - 1;

    private static long SlotStart(long slot) => slot < long.MinValue / SlotMicros ? long.MinValue : slot * SlotMicros;

    private static long FirstSlot(long eventMicros) => Slot(eventMicros) - SlotsEachSide;

    private static long EndSlot(long eventMicros) => Slot(eventMicros) + SlotsEachSide;

    private static int RingIndex(long slot)
    {
        var k = slot % RingSlots;
        return (int)(k < 0 ? k + RingSlots : k);
    }

    /// <summary>Adds a sample to its slot when the slot is in the trace; false when it is not.</summary>
    private static bool Accumulate(short[] slots, long firstSlot, long slot, in AccelSample sample)
    {
        var j = DeviceTimeMath.Subtract(slot, firstSlot);
        if (j is < 0 or >= TraceSlots)
        {
            return false;
        }

        var k = Lanes * (int)j;
        var n = slots[k + 3];
        if (n == short.MaxValue)
        {
            return true;
        }

        var share = 1f / (n + 1);
        slots[k] = Mean(slots[k], share, sample.X);
        slots[k + 1] = Mean(slots[k + 1], share, sample.Y);
        slots[k + 2] = Mean(slots[k + 2], share, sample.Z);
        slots[k + 3] = (short)(n + 1);
        return true;
    }

    private void MarkHead(long slot)
    {
        if (_empty || slot > _head)
        {
            _head = slot;
            _empty = false;
        }
    }

    private void PublishAt(int index, string deviceId, IObserver<EventEvidence> observer, bool truncated)
    {
        // Out of the table before the observer runs: an observer that throws must not see it again.
        var pending = _pending;
        var trace = pending[index];
        _pendingCount--;
        Array.Copy(pending, index + 1, pending, index, _pendingCount - index);
        pending[_pendingCount] = default;
        var evidence = Build(deviceId, trace, truncated);
        ReturnSlots(trace.Slots);
        if (_pendingCount == 0)
        {
            _empty = true;
        }

        observer.OnNext(evidence);
    }

    private EventEvidence Build(string deviceId, in PendingEvidence pending, bool truncated)
    {
        var slots = pending.Slots;
        var firstSlot = FirstSlot(pending.TimeMicros);
        var first = 0;
        var last = TraceSlots - 1;
        if (!_empty && DeviceTimeMath.Subtract(_head, firstSlot) < last)
        {
            last = (int)Math.Max(-1, DeviceTimeMath.Subtract(_head, firstSlot));
        }

        while (first <= last && slots[(Lanes * first) + 3] == 0)
        {
            first++;
        }

        while (last >= first && slots[(Lanes * last) + 3] == 0)
        {
            last--;
        }

        if (first > last)
        {
            return new EventEvidence(deviceId, pending.Kind, pending.TimeMicros, SlotStart(firstSlot), RateHz, [], true);
        }

        var points = new EvidencePoint[last - first + 1];
        var previous = default(EvidencePoint);
        for (var j = first; j <= last; j++)
        {
            var k = Lanes * j;
            if (slots[k + 3] > 0)
            {
                previous = new EvidencePoint(MilliG(slots[k]), MilliG(slots[k + 1]), MilliG(slots[k + 2]));
            }

            points[j - first] = previous;
        }

        return new EventEvidence(deviceId, pending.Kind, pending.TimeMicros, SlotStart(firstSlot + first), RateHz, points, truncated);
    }

    /// <summary>A slot's mean (in counts) moved by one more sample, whose <paramref name="share"/> is 1 / (samples so far + 1).</summary>
    private static short Mean(short mean, float share, float g) => Quantize(mean + (((g * Unit) - mean) * share), 1f);

    private static short MilliG(short counts) => Quantize(counts / Unit, 1000f);

    /// <summary><paramref name="value"/> × <paramref name="scale"/>, rounded into a short (NaN: 0).</summary>
    private static short Quantize(float value, float scale) =>
        float.IsNaN(value) ? (short)0 : (short)Math.Clamp(MathF.Round(value * scale), short.MinValue, short.MaxValue);

    /// <summary>Takes the processor's history into a new trace's slots.</summary>
    private struct HistoryCapture(short[] slots, long firstSlot) : IHistoryReader
    {
        public long ThroughMicros { get; private set; } = long.MinValue;

        public long? NewestSlot { get; private set; }

        public void OnSample(long deviceTimeMicros, in AccelSample sample)
        {
            var slot = Slot(deviceTimeMicros);
            if (Accumulate(slots, firstSlot, slot, sample))
            {
                NewestSlot = NewestSlot is { } newest ? Math.Max(newest, slot) : slot;
            }

            ThroughMicros = Math.Max(ThroughMicros, deviceTimeMicros);
        }
    }
}
