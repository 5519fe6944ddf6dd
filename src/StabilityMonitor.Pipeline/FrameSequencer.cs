using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// Puts one device's frames back in sequence order before they reach its processor: drops duplicates (a
/// duplicate would otherwise look like a gap and reset the processor), holds frames that arrived early until
/// the missing ones come or the reorder window (device time) runs out, then declares the rest lost.
/// Sequence numbers compare with wrap-around (serial number) arithmetic, as docs/wire-format.md says.
/// Device times are untrusted: every time difference saturates (<see cref="DeviceTimeMath"/>). A held frame is
/// removed from the holding array before it is released, so a release that throws leaves only frames whose buffers
/// this sequencer still owns (<see cref="Discard"/> can return them exactly once).
/// Not thread-safe: one per device, called by the pipeline's single consumer.
/// </summary>
internal sealed class FrameSequencer
{
    private const int RecentBits = 256;
    private const uint Behind = 0x8000_0000u;

    private readonly long _windowMicros;
    private readonly long _maxSlipMicros;
    private readonly uint _resyncFrames;
    private readonly int _capacity;

    // Lent by HeldFrameBuffers while a frame is held (empty otherwise): most devices never reorder. Not allocated
    // per reordered frame either: the consumer path promises no allocation per frame, and the array a device gives
    // back when its last held frame goes is the one the next device to reorder gets.
    private IngestItem[] _held = [];
    private readonly ulong[] _recent = new ulong[RecentBits / 64];
    private int _heldCount;
    private bool _started;
    private uint _expected;
    private long _expectedTimeMicros;
    private bool _hasReleased;
    private bool _afterGap;

    public FrameSequencer(TimeSpan reorderWindow, int maxHeld, long maxSlipMicros, int resyncFrames)
    {
        _windowMicros = (long)(reorderWindow.TotalMilliseconds * 1000);
        _maxSlipMicros = maxSlipMicros;
        _resyncFrames = (uint)resyncFrames;
        _capacity = Math.Max(1, maxHeld) + 1;
    }

    /// <summary>Frames currently held back waiting for a missing one.</summary>
    public int HeldCount => _heldCount;

    /// <summary>Sequence number expected next.</summary>
    public uint Expected => _expected;

    public void Accept(in IngestItem item, ISequencedFrameTarget target)
    {
        var seq = item.Header.Sequence;
        if (!_started)
        {
            Start(seq, item.Header.DeviceTimeMicros);
        }

        var ahead = unchecked(seq - _expected);
        if (ahead == 0)
        {
            if (_heldCount > 0)
            {
                target.Count(SequenceAnomaly.Reordered, 1);
            }

            Release(item, target);
            Drain(target);
            return;
        }

        if (ahead < Behind)
        {
            if (ahead >= _resyncFrames)
            {
                Restart(item, target);
                return;
            }

            if (IsHeld(seq))
            {
                target.Count(SequenceAnomaly.Duplicate, 1);
                target.Drop(item);
                return;
            }

            Hold(item);
            EnforceWindow(target);
            return;
        }

        // Behind what was already released: a duplicate, a frame whose gap was given up on, or a device that
        // restarted its numbering (then its clock has moved on past where the stream ended).
        var back = unchecked(_expected - 1 - seq);
        if (_hasReleased && item.Header.DeviceTimeMicros > DeviceTimeMath.Add(_expectedTimeMicros, _maxSlipMicros))
        {
            Restart(item, target);
            return;
        }

        if (back < RecentBits && !WasReleased(back))
        {
            target.Count(SequenceAnomaly.Late, 1);
        }
        else
        {
            target.Count(SequenceAnomaly.Duplicate, 1);
        }

        target.Drop(item);
    }

    /// <summary>Releases every held frame in order, counting the gaps before them (the device went quiet).</summary>
    public void Flush(ISequencedFrameTarget target)
    {
        while (_heldCount > 0)
        {
            SkipTo(_held[0].Header.Sequence, target);
            ReleaseFirst(target);
            Drain(target);
        }
    }

    /// <summary>
    /// Drops every held frame without processing (their buffers go back through <see cref="ISequencedFrameTarget.Drop"/>)
    /// and forgets the numbering: the next frame starts the stream afresh. Used when the device is quarantined or evicted.
    /// </summary>
    public void Discard(ISequencedFrameTarget target)
    {
        while (_heldCount > 0)
        {
            var item = _held[0];
            RemoveFirst();
            target.Drop(item);
        }

        _started = false;
    }

    /// <summary>Writes the numbering and the held frames (with their samples) for a checkpoint.</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_started);
        writer.Write(_expected);
        writer.Write(_expectedTimeMicros);
        writer.Write(_hasReleased);
        writer.Write(_afterGap);
        foreach (var word in _recent)
        {
            writer.Write(word);
        }

        writer.Write(_heldCount);
        for (var i = 0; i < _heldCount; i++)
        {
            ref readonly var item = ref _held[i];
            var header = item.Header;
            writer.Write(item.Topic);
            writer.Write(item.DeviceIdRange.Start.Value);
            writer.Write(item.DeviceIdRange.End.Value);
            writer.Write(header.SampleRateHz);
            writer.Write(header.RangeG);
            writer.Write(header.SampleCount);
            writer.Write(header.Sequence);
            writer.Write(header.DeviceTimeMicros);
            writer.Write(item.ArrivalUnixMicros);
            writer.Write(item.LogPosition);
            foreach (ref readonly var sample in item.SampleSpan)
            {
                writer.Write(sample.X);
                writer.Write(sample.Y);
                writer.Write(sample.Z);
            }
        }
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote into a new sequencer; held frames get buffers from <paramref name="pool"/>.</summary>
    public void ReadState(BinaryReader reader, SamplePool pool, long receivedTimestamp)
    {
        _started = reader.ReadBoolean();
        _expected = reader.ReadUInt32();
        _expectedTimeMicros = reader.ReadInt64();
        _hasReleased = reader.ReadBoolean();
        _afterGap = reader.ReadBoolean();
        for (var i = 0; i < _recent.Length; i++)
        {
            _recent[i] = reader.ReadUInt64();
        }

        var held = reader.ReadInt32();
        if (held < 0 || held >= _capacity)
        {
            throw new InvalidDataException($"The checkpoint holds {held} frames for a sequencer that holds at most {_capacity - 1}.");
        }

        if (held > 0 && _held.Length == 0)
        {
            _held = HeldFrameBuffers.Rent(_capacity);
        }

        for (var i = 0; i < held; i++)
        {
            var topic = reader.ReadString();
            var range = new Range(reader.ReadInt32(), reader.ReadInt32());
            var header = new FrameHeader(reader.ReadUInt16(), reader.ReadByte(), reader.ReadUInt16(), reader.ReadUInt32(), reader.ReadInt64());
            var arrival = reader.ReadInt64();
            var position = reader.ReadInt64();
            var samples = pool.Rent(header.SampleCount);
            for (var k = 0; k < header.SampleCount; k++)
            {
                samples[k] = new AccelSample(reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle());
            }

            _held[i] = IngestItem.Frame(topic, range, header, samples, receivedTimestamp, arrival, position);
            _heldCount = i + 1;
        }
    }

    private void Start(uint seq, long timeMicros)
    {
        _started = true;
        _expected = seq;
        _expectedTimeMicros = timeMicros;
        _hasReleased = false;
        _afterGap = false;
        Array.Clear(_recent);
    }

    private void Restart(in IngestItem item, ISequencedFrameTarget target)
    {
        Flush(target);
        target.Count(SequenceAnomaly.Restart, 1);
        Start(item.Header.Sequence, item.Header.DeviceTimeMicros);
        Release(item, target);
    }

    private void Release(in IngestItem item, ISequencedFrameTarget target)
    {
        if (_hasReleased && !_afterGap && DeviceTimeMath.FartherThan(item.Header.DeviceTimeMicros, _expectedTimeMicros, _maxSlipMicros))
        {
            target.Count(SequenceAnomaly.ClockJump, 1);
        }

        _afterGap = false;

        Shift(1);
        _recent[0] |= 1;
        _expected = unchecked(item.Header.Sequence + 1);
        _expectedTimeMicros = item.Header.EndTimeMicros;
        _hasReleased = true;
        target.Release(item);
    }

    private void Drain(ISequencedFrameTarget target)
    {
        while (_heldCount > 0 && _held[0].Header.Sequence == _expected)
        {
            ReleaseFirst(target);
        }
    }

    private void EnforceWindow(ISequencedFrameTarget target)
    {
        // The window is how far past the hole a held frame may start: judged on its end, a single
        // swap of half-second frames from a slightly fast clock would already count as a loss.
        while (_heldCount > 0
            && (_heldCount >= _capacity || DeviceTimeMath.Subtract(_held[_heldCount - 1].Header.DeviceTimeMicros, _expectedTimeMicros) > _windowMicros))
        {
            SkipTo(_held[0].Header.Sequence, target);
            ReleaseFirst(target);
            Drain(target);
        }
    }

    private void ReleaseFirst(ISequencedFrameTarget target)
    {
        // Out of the array first: if processing throws, the buffer (returned by the target) is not held any more.
        var item = _held[0];
        RemoveFirst();
        Release(item, target);
    }

    private void SkipTo(uint seq, ISequencedFrameTarget target)
    {
        var missing = unchecked(seq - _expected);
        if (missing == 0)
        {
            return;
        }

        target.Count(SequenceAnomaly.Lost, missing);
        Shift(missing);
        _expected = seq;
        _afterGap = true;
    }

    private void Hold(in IngestItem item)
    {
        if (_held.Length == 0)
        {
            _held = HeldFrameBuffers.Rent(_capacity);
        }

        // Insertion sort by distance from the expected number; the array is tiny.
        var key = unchecked(item.Header.Sequence - _expected);
        var i = _heldCount;
        while (i > 0 && unchecked(_held[i - 1].Header.Sequence - _expected) > key)
        {
            _held[i] = _held[i - 1];
            i--;
        }

        _held[i] = item;
        _heldCount++;
    }

    private bool IsHeld(uint seq)
    {
        for (var i = 0; i < _heldCount; i++)
        {
            if (_held[i].Header.Sequence == seq)
            {
                return true;
            }
        }

        return false;
    }

    private void RemoveFirst()
    {
        _heldCount--;
        Array.Copy(_held, 1, _held, 0, _heldCount);
        _held[_heldCount] = default;
        if (_heldCount == 0)
        {
            // Every slot is empty again: the array goes back for the next device that reorders.
            HeldFrameBuffers.Return(_held);
            _held = [];
        }
    }

    private bool WasReleased(uint back) => back < RecentBits && (_recent[back / 64] & (1UL << (int)(back % 64))) != 0;

    /// <summary>Moves the released-bitmap <paramref name="count"/> numbers forward (new numbers start as not released).</summary>
    private void Shift(uint count)
    {
        if (count >= RecentBits)
        {
            Array.Clear(_recent);
            return;
        }

        var words = (int)(count / 64);
        var bits = (int)(count % 64);
        for (var w = _recent.Length - 1; w >= 0; w--)
        {
            var source = w - words;
            ulong value = source >= 0 ? _recent[source] << bits : 0;
            if (bits != 0 && source - 1 >= 0)
            {
                value |= _recent[source - 1] >> (64 - bits);
            }

            _recent[w] = value;
        }
    }
}
