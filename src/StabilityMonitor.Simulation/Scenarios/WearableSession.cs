using System.Globalization;
using System.Text;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>
/// One scenario wearer as a stream of things to do on MQTT (<see cref="TryNext"/>): connect, frames, status
/// updates, faults. It owns the motion model, the device clock (with drift and jumps), the battery and the fault
/// injection, and it keeps the ground truth of all of it. No I/O and no wall clock: the caller paces the messages
/// by <see cref="OutboundMessage.DueSeconds"/>. The same spec and seed give the same messages, byte for byte.
/// </summary>
public sealed class WearableSession
{
    /// <summary>Firmware version sent in the status.</summary>
    public const string Firmware = "sim-2.0";

    private readonly WearerSpec _spec;
    private readonly DeviceSettings _device;
    private readonly BodyMotionModel _motion;
    private readonly AccelSample[] _samples;
    private readonly Queue<OutboundMessage> _queue = new();
    private readonly List<(double Seconds, int Order, Action Act)> _timed = [];
    private readonly Random[] _faultRandom;
    private readonly long[] _faultFrames;
    private readonly double _duration;
    private readonly long _startMicros;
    private readonly List<GroundTruthRecord> _truth = [];
    private readonly List<TruthEvent> _pendingEvents;
    private readonly (float Value, bool Set)[] _stuck;
    private int _timedNext;
    private long _frameIndex;
    private uint _sequence;
    private OutboundMessage? _held;
    private int _heldFault = -1;
    private bool _online;
    private bool _dead;
    private bool _finished;
    private double _batteryOffset;
    private List<OutboundMessage>? _outbox;
    private int _malformedIndex;
    private byte[] _lastFrame = [];
    // The server starts a device's numbering at the first frame it sees: the first frame is never held back either.
    private bool _gapBefore = true;

    /// <param name="spec">The wearer.</param>
    /// <param name="durationSeconds">Run length, s: frames are made up to this time, then the device shuts down.</param>
    /// <param name="startMicros">Device clock at run time 0, Unix µs.</param>
    /// <param name="firstSequence">Sequence number of the first frame.</param>
    public WearableSession(WearerSpec spec, double durationSeconds, long startMicros, uint firstSequence = 0)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(durationSeconds);
        if (!DeviceId.IsValid(spec.Id))
        {
            throw new ArgumentException($"'{spec.Id}' is not a valid device id.", nameof(spec));
        }

        _spec = spec;
        _device = spec.Device;
        _duration = durationSeconds;
        _startMicros = startMicros;
        _sequence = firstSequence;
        Plan = TimelineSchedule.Resolve(spec.Timeline);
        Traits = WearerTraits.Draw(spec.Kind, spec.Seed);
        _motion = new BodyMotionModel(Traits, Plan, _device.RateHz, unchecked(spec.Seed + 1));
        _pendingEvents = [.. _motion.Events];
        _samples = new AccelSample[_device.SamplesPerFrame];
        _faultRandom = [.. spec.Faults.Select((_, i) => new Random(unchecked((spec.Seed * 17) + (i * 7919) + 3)))];
        _faultFrames = new long[spec.Faults.Count];
        _stuck = new (float, bool)[spec.Faults.Count];
        AccelTopic = DeviceId.AccelTopic(spec.Id);
        StatusTopic = DeviceId.StatusTopic(spec.Id);
        ScheduleTimed();
    }

    public string Id => _spec.Id;

    public WearerSpec Spec => _spec;

    /// <summary>The wearer's traits drawn from its seed.</summary>
    public WearerTraits Traits { get; }

    /// <summary>The timeline in run time.</summary>
    public IReadOnlyList<PlannedStep> Plan { get; }

    public string AccelTopic { get; }

    public string StatusTopic { get; }

    /// <summary>Frames made so far (sent or not).</summary>
    public long FramesMade => _frameIndex;

    /// <summary>Whether the run of this wearer is over (shut down, or its battery died).</summary>
    public bool Finished => _finished && _queue.Count == 0;

    /// <summary>Battery charge at run time <paramref name="seconds"/>, 0..1.</summary>
    public double Battery(double seconds) => Math.Clamp(_device.Battery - (_device.DrainPerHour * seconds / 3600) - _batteryOffset, 0, 1);

    /// <summary>Device clock at run time <paramref name="seconds"/>, Unix µs: start + time, plus drift and jumps that began before.</summary>
    public long DeviceMicros(double seconds)
    {
        var offset = 0.0;
        foreach (var fault in _spec.Faults)
        {
            if (fault.Kind == FaultKind.ClockDrift && seconds > fault.StartSeconds)
            {
                offset += (Math.Min(seconds, fault.EndSeconds) - fault.StartSeconds) * fault.Ppm * 1e-6;
            }
            else if (fault.Kind == FaultKind.ClockJump && seconds >= fault.StartSeconds)
            {
                offset += fault.OffsetSeconds;
            }
        }

        return _startMicros + (long)Math.Round((seconds + offset) * 1e6);
    }

    /// <summary>The status payload at run time <paramref name="seconds"/>.</summary>
    public byte[] StatusPayload(double seconds) => Encoding.UTF8.GetBytes(string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"online\":true,\"battery\":{Battery(seconds):0.000},\"firmware\":\"{Firmware}\",\"rate\":{_device.RateHz}}}"));

    /// <summary>The next thing to do, in due-time order; false when the wearer is done.</summary>
    public bool TryNext(out OutboundMessage message)
    {
        while (_queue.Count == 0 && !_finished)
        {
            Advance();
        }

        return _queue.TryDequeue(out message);
    }

    /// <summary>
    /// What happened up to run time <paramref name="untilSeconds"/> (the whole run when it finished): near-falls and
    /// falls whose peak was generated, activity segments, and every fault with the frames it touched.
    /// </summary>
    public IReadOnlyList<GroundTruthRecord> GroundTruth(double? untilSeconds = null, string? source = null)
    {
        var until = Math.Min(untilSeconds ?? _duration, _duration);
        var records = new List<GroundTruthRecord>(_truth.Where(r => true));
        foreach (var step in Plan.Where(p => p.StartSeconds < until))
        {
            records.Add(new GroundTruthRecord(Id, GroundTruthRecord.Activity, DeviceMicros(step.StartSeconds), DeviceMicros(Math.Min(step.EndSeconds, until)))
            {
                Detail = ScenarioParser.ActivityName(step.Activity),
            });
        }

        for (var i = 0; i < _spec.Faults.Count; i++)
        {
            var fault = _spec.Faults[i];
            if (fault.StartSeconds >= until && fault.Kind is not (FaultKind.ClockJump or FaultKind.LowBattery))
            {
                continue;
            }

            if (fault.Kind is FaultKind.ClockJump or FaultKind.LowBattery && fault.StartSeconds > until)
            {
                continue;
            }

            var end = Math.Min(fault.EndSeconds, until);
            records.Add(new GroundTruthRecord(Id, FaultRecordKind(fault.Kind), DeviceMicros(fault.StartSeconds), DeviceMicros(end))
            {
                Frames = fault.Kind is FaultKind.ClockDrift or FaultKind.ClockJump or FaultKind.LowBattery ? null : _faultFrames[i],
                Value = fault.Kind switch
                {
                    FaultKind.ClockDrift => fault.Ppm,
                    FaultKind.ClockJump => fault.OffsetSeconds,
                    FaultKind.LowBattery => fault.Level,
                    FaultKind.StuckAxis => fault.Axis,
                    FaultKind.Disconnect => fault.Buffer ? 1 : 0,
                    _ => null,
                },
                PeakG = fault.Kind == FaultKind.Saturation ? fault.LimitG : null,
            });
        }

        return [.. records.Select(r => source is null ? r : r with { Source = source }).OrderBy(static r => r.StartMicros).ThenBy(static r => r.Kind, StringComparer.Ordinal)];
    }

    /// <summary>Expected data-quality counts from the faults so far: lost, duplicates, reordered, malformed, clock jumps.</summary>
    public (long Lost, long Duplicates, long Reordered, long Malformed, long ClockJumps) ExpectedQuality()
    {
        long lost = 0, duplicates = 0, reordered = 0, malformed = 0, jumps = 0;
        for (var i = 0; i < _spec.Faults.Count; i++)
        {
            var fault = _spec.Faults[i];
            switch (fault.Kind)
            {
                case FaultKind.Loss:
                    lost += _faultFrames[i];
                    break;
                case FaultKind.Disconnect when !fault.Buffer:
                    lost += _faultFrames[i];
                    break;
                case FaultKind.Duplicate:
                    duplicates += _faultFrames[i];
                    break;
                case FaultKind.Reorder:
                    reordered += _faultFrames[i];
                    break;
                case FaultKind.Malformed:
                    malformed += _faultFrames[i];
                    break;
                case FaultKind.ClockJump when fault.StartSeconds < _frameIndex * _device.FrameSeconds:
                    jumps++;
                    break;
            }
        }

        return (lost, duplicates, reordered, malformed, jumps);
    }

    /// <summary>The ground-truth kind of a fault: <c>clock_drift</c>, <c>stuck_axis</c>, ...</summary>
    public static string FaultRecordKind(FaultKind kind) => ScenarioParser.FaultName(kind).Replace('-', '_');

    private void ScheduleTimed()
    {
        _timed.Add((0, 0, () => Connect(0)));
        for (var t = _device.StatusEverySeconds; t < _duration; t += _device.StatusEverySeconds)
        {
            var at = t;
            _timed.Add((at, 2, () => Status(at)));
        }

        for (var i = 0; i < _spec.Faults.Count; i++)
        {
            var index = i;
            var fault = _spec.Faults[i];
            switch (fault.Kind)
            {
                case FaultKind.Disconnect:
                    _timed.Add((fault.StartSeconds, 1, () => Drop(fault.StartSeconds, index)));
                    if (fault.EndSeconds < _duration)
                    {
                        _timed.Add((fault.EndSeconds, 1, () => Reconnect(fault.EndSeconds)));
                    }

                    break;
                case FaultKind.LowBattery:
                    _timed.Add((fault.StartSeconds, 1, () =>
                    {
                        _batteryOffset += Math.Max(0, Battery(fault.StartSeconds) - fault.Level);
                        Status(fault.StartSeconds);
                    }));
                    break;
                case FaultKind.Malformed when fault.Count is { } count:
                {
                    var end = Math.Min(fault.EndSeconds, _duration);
                    for (var k = 0; k < count; k++)
                    {
                        var at = fault.StartSeconds + ((k + 0.5) * (end - fault.StartSeconds) / count);
                        _timed.Add((at, 3, () => Malformed(at, index)));
                    }

                    break;
                }
            }
        }

        // The battery runs out.
        if (_device.DrainPerHour > 0 || _spec.Faults.Any(static f => f.Kind == FaultKind.LowBattery))
        {
            var dead = FindBatteryDeath();
            if (dead is { } deadAt)
            {
                _timed.Add((deadAt, 4, () => Die(deadAt)));
            }
        }

        _timed.Sort(static (a, b) => a.Seconds != b.Seconds ? a.Seconds.CompareTo(b.Seconds) : a.Order.CompareTo(b.Order));
    }

    private double? FindBatteryDeath()
    {
        // Drain from the start level and every low-battery drop, in time order.
        var level = _device.Battery;
        var t = 0.0;
        foreach (var drop in _spec.Faults.Where(static f => f.Kind == FaultKind.LowBattery).OrderBy(static f => f.StartSeconds))
        {
            var atDrop = level - (_device.DrainPerHour * (drop.StartSeconds - t) / 3600);
            if (atDrop <= 0)
            {
                break;
            }

            level = Math.Min(atDrop, drop.Level);
            t = drop.StartSeconds;
        }

        if (level <= 0)
        {
            return t;
        }

        if (_device.DrainPerHour <= 0)
        {
            return null;
        }

        var deadAt = t + (level / _device.DrainPerHour * 3600);
        return deadAt < _duration ? deadAt : null;
    }

    private void Advance()
    {
        var frameSeconds = _device.FrameSeconds;
        var nextFrameDue = (_frameIndex + 1) * frameSeconds;
        var frameInRun = _frameIndex * frameSeconds < _duration - 1e-9;

        // Timed actions that come first.
        if (_timedNext < _timed.Count && (!frameInRun || _timed[_timedNext].Seconds <= nextFrameDue))
        {
            var (seconds, _, act) = _timed[_timedNext++];
            if (seconds < _duration || _timedNext == 1)
            {
                if (!_dead)
                {
                    act();
                }

                return;
            }
        }

        if (_dead)
        {
            _finished = true;
            return;
        }

        if (!frameInRun)
        {
            FlushHeld();
            FlushOutbox(_duration);
            Emit(new OutboundMessage(OutboundKind.Shutdown, _duration, ReadOnlyMemory<byte>.Empty));
            _finished = true;
            return;
        }

        MakeFrame(nextFrameDue);
    }

    private void MakeFrame(double due)
    {
        var start = _frameIndex * _device.FrameSeconds;
        _motion.Fill(_samples);
        ApplySampleFaults(start);
        var header = new FrameHeader((ushort)_device.RateHz, (byte)_device.RangeG, (ushort)_device.SamplesPerFrame, _sequence, DeviceMicros(start));
        var payload = new byte[BinaryFrameCodec.GetEncodedLength(_device.SamplesPerFrame)];
        BinaryFrameCodec.Encode(header, _samples, payload);
        _lastFrame = payload;
        var frame = new OutboundMessage(OutboundKind.Frame, due, payload, _sequence);
        _sequence = unchecked(_sequence + 1);
        _frameIndex++;
        RecordEvents(start + _device.FrameSeconds);

        for (var i = 0; i < _spec.Faults.Count; i++)
        {
            var fault = _spec.Faults[i];
            if (!fault.Covers(start))
            {
                continue;
            }

            if (fault.Kind == FaultKind.Loss && Chance(i, fault.Probability ?? 1))
            {
                _faultFrames[i]++;
                ReleaseHeldAfter(due, afterLaterFrame: false);
                _gapBefore = true;
                return;
            }
        }

        if (!_online)
        {
            // Offline (a disconnect fault): the firmware's outbox keeps the frame, or it is gone.
            var disconnect = ActiveFault(FaultKind.Disconnect, due);
            if (disconnect >= 0)
            {
                _faultFrames[disconnect]++;
            }

            if (disconnect < 0 || _spec.Faults[disconnect].Buffer)
            {
                _outbox ??= [];
                _outbox.Add(frame);
            }
            else
            {
                _gapBefore = true;
            }

            return;
        }

        // A frame is not held back right after a gap: the server would then see two frames missing, wait less and
        // give the held one up as lost, and the expected counts would no longer be what was injected.
        var reorder = ActiveFault(FaultKind.Reorder, start);
        var afterGap = _gapBefore;
        _gapBefore = false;
        if (_held is null && !afterGap && reorder >= 0 && Chance(reorder, _spec.Faults[reorder].Probability ?? 0.5))
        {
            _held = frame;
            _heldFault = reorder;
            return;
        }

        Emit(frame);
        Duplicate(frame, start);
        ReleaseHeldAfter(due, afterLaterFrame: true);

        var malformed = ActiveFault(FaultKind.Malformed, start);
        if (malformed >= 0 && _spec.Faults[malformed].Count is null && Chance(malformed, _spec.Faults[malformed].Probability ?? 1))
        {
            Malformed(due, malformed);
        }
    }

    private void Duplicate(OutboundMessage frame, double start)
    {
        var duplicate = ActiveFault(FaultKind.Duplicate, start);
        if (duplicate >= 0 && Chance(duplicate, _spec.Faults[duplicate].Probability ?? 1))
        {
            _faultFrames[duplicate]++;
            Emit(frame);
        }
    }

    private void ReleaseHeldAfter(double due, bool afterLaterFrame)
    {
        if (_held is { } held)
        {
            // Only a frame sent after a later one arrives out of order; after a lost frame it is simply next.
            _held = null;
            if (afterLaterFrame)
            {
                _faultFrames[_heldFault]++;
            }

            Emit(held with { DueSeconds = due });
            Duplicate(held, (held.DueSeconds - _device.FrameSeconds) + 1e-9);
        }
    }

    private void FlushHeld()
    {
        if (_held is { } held)
        {
            // Nothing came after it: sent in order after all, so not a reorder.
            _held = null;
            Emit(held);
        }
    }

    private void ApplySampleFaults(double start)
    {
        for (var i = 0; i < _spec.Faults.Count; i++)
        {
            var fault = _spec.Faults[i];
            if (fault.Kind is not (FaultKind.Saturation or FaultKind.StuckAxis) || !fault.Covers(start))
            {
                continue;
            }

            _faultFrames[i]++;
            for (var s = 0; s < _samples.Length; s++)
            {
                var v = _samples[s];
                if (fault.Kind == FaultKind.Saturation)
                {
                    var limit = (float)fault.LimitG;
                    _samples[s] = new AccelSample(Math.Clamp(v.X, -limit, limit), Math.Clamp(v.Y, -limit, limit), Math.Clamp(v.Z, -limit, limit));
                    continue;
                }

                var axisValue = fault.Axis switch { 0 => v.X, 1 => v.Y, _ => v.Z };
                if (!_stuck[i].Set)
                {
                    _stuck[i] = (axisValue, true);
                }

                var stuck = _stuck[i].Value;
                _samples[s] = fault.Axis switch
                {
                    0 => v with { X = stuck },
                    1 => v with { Y = stuck },
                    _ => v with { Z = stuck },
                };
            }
        }
    }

    private void RecordEvents(double untilSeconds)
    {
        for (var i = 0; i < _pendingEvents.Count; i++)
        {
            var e = _pendingEvents[i];
            if (e.PeakSeconds >= untilSeconds)
            {
                continue;
            }

            _truth.Add(new GroundTruthRecord(Id, e.IsNearFall ? GroundTruthRecord.NearFall : GroundTruthRecord.Fall, DeviceMicros(e.StartSeconds), DeviceMicros(e.EndSeconds))
            {
                Detail = e.IsNearFall ? ScenarioParser.ActivityName(e.Activity) : e.Direction.ToString().ToLowerInvariant(),
                PeakMicros = DeviceMicros(e.PeakSeconds),
                PeakG = e.PeakG,
            });
            _pendingEvents.RemoveAt(i--);
        }
    }

    private void Connect(double at)
    {
        _online = true;
        Emit(new OutboundMessage(OutboundKind.Connect, at, StatusPayload(at)));
    }

    private void Reconnect(double at)
    {
        Connect(at);
        FlushOutbox(at);
    }

    private void FlushOutbox(double at)
    {
        if (_outbox is null || !_online)
        {
            return;
        }

        foreach (var frame in _outbox)
        {
            Emit(frame with { DueSeconds = at });
        }

        _outbox = null;
    }

    private void Drop(double at, int fault)
    {
        FlushHeld();
        _online = false;
        Emit(new OutboundMessage(OutboundKind.Drop, at, ReadOnlyMemory<byte>.Empty));
        _ = fault;
    }

    private void Status(double at)
    {
        if (_online)
        {
            Emit(new OutboundMessage(OutboundKind.Status, at, StatusPayload(at)));
        }
    }

    private void Malformed(double at, int fault)
    {
        if (!_online)
        {
            return;
        }

        if (_lastFrame.Length == 0)
        {
            var header = new FrameHeader((ushort)_device.RateHz, (byte)_device.RangeG, 1, 0, DeviceMicros(at));
            _lastFrame = new byte[BinaryFrameCodec.GetEncodedLength(1)];
            BinaryFrameCodec.Encode(header, [new AccelSample(0, 1, 0)], _lastFrame);
        }

        _faultFrames[fault]++;
        Emit(new OutboundMessage(OutboundKind.Malformed, at, MalformedPayloads.Create(_malformedIndex++, _lastFrame)));
    }

    private void Die(double at)
    {
        FlushHeld();
        _truth.Add(new GroundTruthRecord(Id, "battery_dead", DeviceMicros(at), DeviceMicros(at)) { Value = 0 });
        if (_online)
        {
            Emit(new OutboundMessage(OutboundKind.Drop, at, ReadOnlyMemory<byte>.Empty));
        }

        _online = false;
        _dead = true;
        _finished = true;
    }

    private int ActiveFault(FaultKind kind, double seconds)
    {
        for (var i = 0; i < _spec.Faults.Count; i++)
        {
            if (_spec.Faults[i].Kind == kind && _spec.Faults[i].Covers(seconds))
            {
                return i;
            }
        }

        return -1;
    }

    private bool Chance(int fault, double probability) => probability >= 1 || _faultRandom[fault].NextDouble() < probability;

    private void Emit(OutboundMessage message) => _queue.Enqueue(message);
}
