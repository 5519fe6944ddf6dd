using System.Runtime.InteropServices;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// One device's recent acceleration, decimated to 25 Hz as it arrives, and the events waiting for their evidence
/// trace. The ring is indexed by absolute 40 ms slot number (device time / 40 000 µs), so gaps and reordering
/// need no bookkeeping: a slot holds the mean and count of the samples that fell into it, and is cleared when the
/// newest slot moves past it. Arrays are allocated once per device; adding samples allocates nothing.
/// Not thread-safe: touched only under the pipeline's lock.
/// </summary>
/// <remarks>
/// The means are kept as 16-bit counts of 2^-11 g (0.49 mg, ±16 g: a 16 g range's own count), half the memory and
/// checkpoint of float sums: a trace's points are whole milli-g, so this costs at most one milli-g on a point. Each
/// sample moves its slot's mean by its share, rounded; at 50 Hz (two samples a slot) that is exact to the unit.
/// </remarks>
internal sealed class EvidenceRecorder
{
    /// <summary>Points per second of a trace.</summary>
    public const int RateHz = 25;

    /// <summary>Slots (4 s each way) before and after the event's slot in a trace.</summary>
    public const int SlotsEachSide = 4 * RateHz;

    private const long SlotMicros = 1_000_000 / RateHz;

    // 10.24 s: the 8 s trace plus the frame that completes it and a near-fall's ~2.5 s decision delay.
    private const int Capacity = 256;
    private const int MaxPending = 4;

    // 2^11 counts a g.
    private const float Unit = 2048f;

    // Written before the state since means replaced sums; a state written before starts with its "empty" flag (0 or 1).
    private const byte CompactFormat = 2;

    private readonly short[] _means = new short[3 * Capacity];
    private readonly ushort[] _counts = new ushort[Capacity];
    private readonly PendingEvidence[] _pending = new PendingEvidence[MaxPending];
    private int _pendingCount;
    private long _head;
    private bool _empty = true;

    /// <summary>Events waiting for their trace.</summary>
    public int PendingCount => _pendingCount;

    /// <summary>Adds a frame's samples (in release order) to the ring.</summary>
    public void Add(in FrameHeader header, ReadOnlySpan<AccelSample> samples)
    {
        var rate = header.SampleRateHz;
        if (rate == 0)
        {
            return;
        }

        for (var i = 0; i < samples.Length; i++)
        {
            var slot = Slot(DeviceTimeMath.Add(header.DeviceTimeMicros, i * 1_000_000L / rate));
            if (_empty || slot > _head)
            {
                Advance(slot);
            }
            else if (DeviceTimeMath.Subtract(_head, slot) >= Capacity)
            {
                // Older than the ring reaches (the device's clock went back): nothing to keep it in.
                continue;
            }

            var k = Index(slot);
            var n = _counts[k];
            if (n == ushort.MaxValue)
            {
                continue;
            }

            ref readonly var s = ref samples[i];
            var share = 1f / (n + 1);
            _means[3 * k] = Mean(_means[3 * k], share, s.X);
            _means[(3 * k) + 1] = Mean(_means[(3 * k) + 1], share, s.Y);
            _means[(3 * k) + 2] = Mean(_means[(3 * k) + 2], share, s.Z);
            _counts[k] = (ushort)(n + 1);
        }
    }

    /// <summary>
    /// Remembers an event; its trace is published once the device's data passes the end of its window. When
    /// more events are waiting than the fixed table holds, the oldest is published now, cut short.
    /// </summary>
    public void Remember(string deviceId, in StabilityEvent stabilityEvent, IObserver<EventEvidence> observer)
    {
        if (_pendingCount == MaxPending)
        {
            PublishAt(0, deviceId, observer, truncated: true);
        }

        _pending[_pendingCount++] = new PendingEvidence(stabilityEvent.Kind, stabilityEvent.TimeMicros);
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

    /// <summary>Forgets the recorded samples and waiting events (after <see cref="PublishAll"/>).</summary>
    public void Clear()
    {
        Array.Clear(_means);
        Array.Clear(_counts);
        _pendingCount = 0;
        _empty = true;
    }

    /// <summary>Writes the ring and the waiting events for a checkpoint.</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(CompactFormat);
        writer.Write(_empty);
        writer.Write(_head);
        writer.Write(_pendingCount);
        for (var i = 0; i < _pendingCount; i++)
        {
            writer.Write((byte)_pending[i].Kind);
            writer.Write(_pending[i].TimeMicros);
        }

        if (_empty)
        {
            return;
        }

        writer.Write(MemoryMarshal.AsBytes(_means.AsSpan()));
        writer.Write(MemoryMarshal.AsBytes(_counts.AsSpan()));
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote into a new recorder.</summary>
    public void ReadState(BinaryReader reader)
    {
        var first = reader.ReadByte();
        var compact = first == CompactFormat;
        if (!compact && first > 1)
        {
            throw new InvalidDataException($"The checkpoint's evidence ring starts with {first}, neither a format nor a flag.");
        }

        _empty = compact ? reader.ReadBoolean() : first == 1;
        _head = reader.ReadInt64();
        var pending = reader.ReadInt32();
        if (pending is < 0 or > MaxPending)
        {
            throw new InvalidDataException($"The checkpoint holds {pending} waiting traces; at most {MaxPending} wait.");
        }

        for (var i = 0; i < pending; i++)
        {
            _pending[i] = new PendingEvidence((EventKind)reader.ReadByte(), reader.ReadInt64());
        }

        _pendingCount = pending;
        if (_empty)
        {
            return;
        }

        if (compact)
        {
            ReadExactly(reader, MemoryMarshal.AsBytes(_means.AsSpan()));
            ReadExactly(reader, MemoryMarshal.AsBytes(_counts.AsSpan()));
            return;
        }

        // Written before the means: float sums, then the counts.
        var sums = new float[3 * Capacity];
        ReadExactly(reader, MemoryMarshal.AsBytes(sums.AsSpan()));
        ReadExactly(reader, MemoryMarshal.AsBytes(_counts.AsSpan()));
        for (var i = 0; i < sums.Length; i++)
        {
            var n = _counts[i / 3];
            _means[i] = n == 0 ? (short)0 : Quantize(sums[i] / n, Unit);
        }
    }

    private static void ReadExactly(BinaryReader reader, Span<byte> target)
    {
        if (reader.Read(target) != target.Length)
        {
            throw new EndOfStreamException("The checkpoint ends inside an evidence ring.");
        }
    }

    private static long Slot(long micros) => micros >= 0 ? micros / SlotMicros : ((micros + 1) / SlotMicros) - 1;

    private static long SlotStart(long slot) => slot < long.MinValue / SlotMicros ? long.MinValue : slot * SlotMicros;

    private static long EndSlot(long eventMicros) => Slot(eventMicros) + SlotsEachSide;

    private static int Index(long slot)
    {
        var k = slot % Capacity;
        return (int)(k < 0 ? k + Capacity : k);
    }

    private void Advance(long slot)
    {
        if (_empty || DeviceTimeMath.Subtract(slot, _head) >= Capacity)
        {
            Array.Clear(_means);
            Array.Clear(_counts);
        }
        else
        {
            for (var s = _head + 1; s <= slot; s++)
            {
                var k = Index(s);
                _counts[k] = 0;
                _means[3 * k] = 0;
                _means[(3 * k) + 1] = 0;
                _means[(3 * k) + 2] = 0;
            }
        }

        _head = slot;
        _empty = false;
    }

    private void PublishAt(int index, string deviceId, IObserver<EventEvidence> observer, bool truncated)
    {
        // Out of the table before the observer runs: an observer that throws must not see it again.
        var pending = _pending[index];
        _pendingCount--;
        Array.Copy(_pending, index + 1, _pending, index, _pendingCount - index);
        _pending[_pendingCount] = default;
        observer.OnNext(Build(deviceId, pending, truncated));
    }

    private EventEvidence Build(string deviceId, PendingEvidence pending, bool truncated)
    {
        var eventSlot = Slot(pending.TimeMicros);
        var first = eventSlot - SlotsEachSide;
        var last = eventSlot + SlotsEachSide - 1;
        if (!_empty)
        {
            first = Math.Max(first, _head - Capacity + 1);
            last = Math.Min(last, _head);
            while (first <= last && _counts[Index(first)] == 0)
            {
                first++;
            }

            while (last >= first && _counts[Index(last)] == 0)
            {
                last--;
            }
        }

        if (_empty || first > last)
        {
            return new EventEvidence(deviceId, pending.Kind, pending.TimeMicros, SlotStart(first), RateHz, [], true);
        }

        var points = new EvidencePoint[(int)(last - first + 1)];
        var previous = default(EvidencePoint);
        for (var s = first; s <= last; s++)
        {
            var k = Index(s);
            if (_counts[k] > 0)
            {
                previous = new EvidencePoint(MilliG(_means[3 * k]), MilliG(_means[(3 * k) + 1]), MilliG(_means[(3 * k) + 2]));
            }

            points[s - first] = previous;
        }

        return new EventEvidence(deviceId, pending.Kind, pending.TimeMicros, SlotStart(first), RateHz, points, truncated);
    }

    /// <summary>A slot's mean (in counts) moved by one more sample, whose <paramref name="share"/> is 1 / (samples so far + 1).</summary>
    private static short Mean(short mean, float share, float g) => Quantize(mean + (((g * Unit) - mean) * share), 1f);

    private static short MilliG(short counts) => Quantize(counts / Unit, 1000f);

    /// <summary><paramref name="value"/> × <paramref name="scale"/>, rounded into a short (NaN: 0).</summary>
    private static short Quantize(float value, float scale) =>
        float.IsNaN(value) ? (short)0 : (short)Math.Clamp(MathF.Round(value * scale), short.MinValue, short.MaxValue);
}
