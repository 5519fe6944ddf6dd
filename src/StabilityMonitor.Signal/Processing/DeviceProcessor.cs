using System.Numerics;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Turns one device's stream of frames into sway metrics and events. Not thread-safe: one instance
/// per device, fed in order. The same code runs live, in replay and in offline evaluation, and it
/// runs on device time only, so a replay at any speed gives the same output.
/// </summary>
public sealed class DeviceProcessor : IHistorySource
{
    /// <summary>
    /// Seconds of raw samples before an event's time that are still held when the event is raised (see
    /// <see cref="ReplayHistory{TReader}"/>): the pipeline's evidence trace shows 4 s before it, from the start of the
    /// 40 ms slot the time falls in.
    /// </summary>
    public const float EventLookBackSeconds = 4.2f;

    private const float StandardGravity = 9.80665f;

    private readonly ProcessorOptions _options;

    [ThreadStatic]
    private static StateScratch? t_scratch;

    private ulong? _fingerprint;
    private SwayBaselineDetector _sway;
    private RateState? _state;
    private bool _continuous;
    private uint _nextSequence;
    private long _nextTimeMicros;
    private long _segmentStartMicros;
    private Vector3 _upright;
    private bool _hasUpright;
    private float _meanMag = 1f;
    private float _varMag;
    private GaitDetector _gait;

    // Sitting or standing from the transitions between them; its state outlives gaps and rate changes.
    private SeatTracker _seat = new();

    // Sample index (this segment) at which the gait detector last called the wearer walking; −1: not this segment.
    // A jolt breaks the step rhythm at once, so a candidate asks whether the wearer walked just before it.
    private long _lastWalkingIndex = -1;
    private SwayAccumulator _windowA;
    private SwayAccumulator _windowB;
    private long _lastFallMicros = long.MinValue;
    private long _lastNearFallMicros = long.MinValue;

    // Long-lie watch after a confirmed fall: the fall's onset (long.MinValue: not watching), the time lying and
    // still since its decision, and the current unbroken upright time, µs.
    private long _watchFallMicros = long.MinValue;
    private long _lyingStillMicros;
    private long _uprightMicros;

    // Fall without a hard impact: when the trunk was last upright, and since when it lies after a quick
    // transition (long.MinValue: not pending), µs of device time.
    private long _lastUprightMicros = long.MinValue;
    // The soft fall's impact: looked for from shortly before the last upright moment to 1 s after lying.
    private const long SoftFallLookBackMicros = 500_000;
    private const long SoftFallImpactMicros = 1_000_000;

    private long _softLyingMicros = long.MinValue;
    private long _softOnsetMicros = long.MinValue;

    // The AP direction learned from walking (ProcessorOptions.ApAxis until then).
    private ApDirectionLearner _apLearner;

    // Whether walking has confirmed the upright reference (see UpdateUpright), the samples walked in a row this
    // segment towards that confirmation and the gravity direction when that run began.
    private bool _uprightConfirmed;
    private long _walkingRun;
    private Vector3 _runGravity;

    // Largest turn of gravity over the confirming run: more is a fall or a stumble that the step rhythm outlived.
    private const float UprightSteadyDeg = 10f;

    public DeviceProcessor(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _sway = new SwayBaselineDetector(options.Sway);
    }

    /// <summary>Number of times the filter state was reset (gaps, time jumps, rate changes).</summary>
    public long Resets { get; private set; }

    /// <summary>Samples processed since construction.</summary>
    public long Samples { get; private set; }

    /// <summary>Current posture estimate.</summary>
    public Posture Posture { get; private set; }

    /// <summary>Current activity estimate.</summary>
    public Activity Activity { get; private set; }

    /// <summary>
    /// Sitting or standing, from the last sit/stand transition seen (docs/signal-core.md, "Sitting or standing"); a
    /// body position beside <see cref="Posture"/>, which reads a seated trunk as upright. Detection does not use it.
    /// </summary>
    public SitStand Seated => _seat.Position;

    /// <summary>Current trunk tilt from the upright reference, degrees.</summary>
    public float TiltDeg { get; private set; }

    /// <summary>Whether the AP direction is the one learned from the wearer's walking rather than the configured axis (diagnostics, tests).</summary>
    internal bool ApLearned => _apLearner.Learned;

    /// <summary>The device direction projected as AP (diagnostics, tests): learned, or the configured axis until then.</summary>
    internal Vector3 ApDirection => _apLearner.Axis(ConfiguredAp);

    /// <summary>The walking scatter the AP direction is learned from, in the current horizontal plane (diagnostics).</summary>
    internal (double Major, double Minor, Vector3 Direction) ApScatter => _apLearner.Principal(_upright, ConfiguredAp);

    /// <summary>Seconds of walking the AP learner has summed (diagnostics).</summary>
    internal double ApWalkedSeconds => _apLearner.WalkedSeconds;

    /// <summary>Bytes the sitting/standing tracker adds at the end of a state (version 5's part; tests synthesise version 4 by cutting them).</summary>
    internal int SeatStateBytes()
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            _seat.WriteState(w);
        }

        return (int)buffer.Length;
    }

    /// <summary>The upright reference, a unit vector in device axes (diagnostics, tests).</summary>
    internal Vector3 UprightReference => _upright;

    /// <summary>Called with every completed perturbation candidate, before classification (tuning and training).</summary>
    public Action<PerturbationFeatures, long>? CandidateObserver { get; set; }

    /// <summary>Processes one decoded frame.</summary>
    public void Process(in FrameHeader header, ReadOnlySpan<AccelSample> samples, IProcessorSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (samples.IsEmpty || header.SampleRateHz == 0)
        {
            return;
        }

        if (_state is null || _state.Rate != header.SampleRateHz)
        {
            _state = new RateState(_options, header.SampleRateHz);
            _seat.Configure(header.SampleRateHz, _state.Ring);
            _continuous = false;
        }

        if (!_continuous
            || header.Sequence != _nextSequence
            || DeviceTimeMath.FartherThan(header.DeviceTimeMicros, _nextTimeMicros, _options.MaxTimeSlipMicros))
        {
            StartSegment(header.DeviceTimeMicros);
        }

        _nextSequence = unchecked(header.Sequence + 1);
        _nextTimeMicros = DeviceTimeMath.Add(header.DeviceTimeMicros, samples.Length * 1_000_000L / header.SampleRateHz);
        _continuous = true;

        var state = _state;
        foreach (ref readonly var sample in samples)
        {
            ProcessSample(state, sample, sink);
        }
    }

    /// <summary>
    /// Hands <paramref name="reader"/> the raw samples still held from device time <paramref name="fromMicros"/> on,
    /// oldest first, with their device times: this segment's, up to the sample being processed when called from an
    /// event. Called when an event is raised, it reaches back <see cref="EventLookBackSeconds"/> before the event's
    /// time, so nobody else needs to keep a history of the stream for what led up to an event.
    /// </summary>
    public void ReplayHistory<TReader>(long fromMicros, ref TReader reader)
        where TReader : IHistoryReader
    {
        if (_state is not { } s || s.Ring.Count == 0)
        {
            return;
        }

        var first = s.Ring.OldestIndex;
        var offset = DeviceTimeMath.Subtract(fromMicros, _segmentStartMicros);
        if (offset > (s.Ring.Count - 1) * 1_000_000 / s.Rate)
        {
            // Past the newest sample (also keeps the product below from overflowing on a wild time).
            return;
        }

        if (offset > 0)
        {
            // The first index whose time (start + index × 10^6 / rate, rounded down) is at or after fromMicros.
            first = Math.Max(first, ((offset * s.Rate) + 999_999) / 1_000_000);
            while (first > s.Ring.OldestIndex && TimeOf(first - 1, s.Rate) >= fromMicros)
            {
                first--;
            }
        }

        for (var i = first; i < s.Ring.Count; i++)
        {
            reader.OnSample(TimeOf(i, s.Rate), s.Ring.At(i));
        }
    }

    /// <summary>Forgets all signal history, as after a gap; the wearer's sway baseline is kept.</summary>
    public void Reset() => _continuous = false;

    /// <summary>The wearer's elevated-sway detector with its learned baseline (tests, diagnostics).</summary>
    internal SwayBaselineDetector SwayBaseline => _sway;

    /// <summary>
    /// Writes everything needed to continue processing exactly: the filters' delay lines, the sample ring, the
    /// detector's candidates, the upright reference, gait, sway windows, the wearer's sway baseline, the counters
    /// and the frame continuity. A processor restored from it (<see cref="ReadState"/>) and fed the frames that
    /// followed produces the same events and windows, bit for bit, as this one would have. Event rate, not
    /// sample rate, but a checkpoint writes every device: it allocates nothing past its thread's first call. Not
    /// <see cref="CandidateObserver"/>, which is wiring, not state.
    /// </summary>
    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);

        // The envelope is built in this thread's reused buffer: a checkpoint writes every device's state under the
        // ingest lock, and a buffer, a block and a fingerprint per device made it allocate ~20 KB a device each time.
        var scratch = t_scratch ??= new StateScratch();
        var buffer = scratch.Buffer;
        buffer.SetLength(0);
        buffer.Write(stackalloc byte[ProcessorStateFormat.PayloadOffset]);
        WritePayload(scratch.Writer);
        scratch.Writer.Flush();
        var payloadLength = (int)buffer.Length - ProcessorStateFormat.PayloadOffset;
        buffer.Write(stackalloc byte[ProcessorStateFormat.TrailerBytes]);
        var block = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        ProcessorStateFormat.SealEnvelope(block, Fingerprint, payloadLength);
        writer.Write(block);
    }

    /// <summary>
    /// Restores a state written by <see cref="WriteState"/> into this processor, which must have been constructed
    /// with equivalent <see cref="ProcessorOptions"/> (see <see cref="ProcessorStateFormat.Fingerprint"/>).
    /// All or nothing: the state is checked and read completely before anything of this processor changes.
    /// </summary>
    /// <exception cref="InvalidDataException">The state is of another format version, was written with other
    /// options, is damaged or is cut short. The processor is then unchanged.</exception>
    public void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var payload = ProcessorStateFormat.ReadEnvelope(reader, FingerprintOf, out var version);
        using var r = new BinaryReader(new MemoryStream(payload, writable: false));
        try
        {
            ReadPayload(r, version);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("Processor state ends inside its content.", e);
        }
    }

    /// <summary>The options' fingerprint, hashed once per processor rather than at every checkpoint.</summary>
    private ulong Fingerprint => _fingerprint ??= ProcessorStateFormat.Fingerprint(_options);

    private ulong FingerprintOf(ushort version) => version == ProcessorStateFormat.Version ? Fingerprint : ProcessorStateFormat.Fingerprint(_options, version);

    private void WritePayload(BinaryWriter w)
    {
        w.Write(Resets);
        w.Write(Samples);
        w.Write((byte)Posture);
        w.Write((byte)Activity);
        w.Write(TiltDeg);
        w.Write(_continuous);
        w.Write(_nextSequence);
        w.Write(_nextTimeMicros);
        w.Write(_segmentStartMicros);
        StateBinary.Write(w, _upright);
        w.Write(_hasUpright);
        w.Write(_meanMag);
        w.Write(_varMag);
        _gait.WriteState(w);
        w.Write(_lastWalkingIndex);
        _windowA.WriteState(w);
        _windowB.WriteState(w);
        w.Write(_lastFallMicros);
        w.Write(_lastNearFallMicros);
        w.Write(_watchFallMicros);
        w.Write(_lyingStillMicros);
        w.Write(_uprightMicros);
        w.Write(_lastUprightMicros);
        w.Write(_softLyingMicros);
        w.Write(_softOnsetMicros);
        _sway.WriteState(w);
        w.Write(_state?.Rate ?? 0);
        _state?.WriteState(w);

        // Version 3 from here.
        _apLearner.WriteState(w);
        w.Write(_uprightConfirmed);
        w.Write(_walkingRun);
        StateBinary.Write(w, _runGravity);

        // Version 4 from here.
        w.Write(_state?.Tracker.InheritedFalls ?? 0);

        // Version 5 from here.
        _seat.WriteState(w);
    }

    private void ReadPayload(BinaryReader r, ushort version)
    {
        // Into locals first, committed at the end: a failure leaves the processor as it was.
        var resets = StateBinary.ReadInRange(r, 0, long.MaxValue, "resets");
        var samples = StateBinary.ReadInRange(r, 0, long.MaxValue, "samples");
        var posture = StateBinary.ReadEnum<Posture>(r);
        var activity = StateBinary.ReadEnum<Activity>(r);
        var tilt = r.ReadSingle();
        var continuous = StateBinary.ReadBoolean(r);
        var nextSequence = r.ReadUInt32();
        var nextTime = r.ReadInt64();
        var segmentStart = r.ReadInt64();
        var upright = StateBinary.ReadVector3(r);
        var hasUpright = StateBinary.ReadBoolean(r);
        var meanMag = r.ReadSingle();
        var varMag = r.ReadSingle();
        var gait = GaitDetector.ReadState(r);
        var lastWalking = StateBinary.ReadInRange(r, -1, long.MaxValue, "the last walking sample");
        var windowA = SwayAccumulator.ReadState(r);
        var windowB = SwayAccumulator.ReadState(r);
        var lastFall = r.ReadInt64();
        var lastNearFall = r.ReadInt64();
        var watchFall = r.ReadInt64();
        var lyingStill = StateBinary.ReadInRange(r, 0, long.MaxValue, "the time lying still");
        var uprightTime = StateBinary.ReadInRange(r, 0, long.MaxValue, "the time upright");
        var lastUpright = r.ReadInt64();
        var softLying = r.ReadInt64();
        var softOnset = r.ReadInt64();
        var sway = new SwayBaselineDetector(_options.Sway);
        sway.ReadState(r);
        var rate = StateBinary.ReadInRange(r, 0, ushort.MaxValue, "the sample rate");
        RateState? state = null;
        if (rate > 0)
        {
            state = new RateState(_options, rate);
            state.ReadState(r, version);
        }

        // A version 2 state has no learner and no confirmation: they start afresh, as in a new processor.
        ApDirectionLearner apLearner = default;
        var uprightConfirmed = false;
        var walkingRun = 0L;
        var runGravity = Vector3.Zero;
        if (version >= 3)
        {
            apLearner = ApDirectionLearner.ReadState(r);
            uprightConfirmed = StateBinary.ReadBoolean(r);
            walkingRun = StateBinary.ReadInRange(r, 0, long.MaxValue, "the walking run");
            runGravity = StateBinary.ReadVector3(r);
        }

        // A version 3 state has no fall handed over between candidates.
        if (version >= 4)
        {
            var inherited = r.ReadByte();
            if (state is null && inherited != 0)
            {
                ThrowHelper.ThrowInvalidData("A handed-over fall is stored for a processor that has seen no sample.");
            }

            state?.Tracker.ReadInheritedFalls(inherited);
        }

        // A version 4 state has no sitting/standing: it starts unknown with an empty history, as in a new processor.
        SeatTracker seat;
        if (version >= 5)
        {
            seat = SeatTracker.ReadState(r, rate, state?.Ring, version);
        }
        else
        {
            seat = new SeatTracker();
            if (rate > 0)
            {
                seat.Configure(rate, state!.Ring);
            }
        }

        if (r.BaseStream.Position != r.BaseStream.Length)
        {
            ThrowHelper.ThrowInvalidData("Processor state has bytes left over after its content.");
        }

        Resets = resets;
        Samples = samples;
        Posture = posture;
        Activity = activity;
        TiltDeg = tilt;
        _continuous = continuous;
        _nextSequence = nextSequence;
        _nextTimeMicros = nextTime;
        _segmentStartMicros = segmentStart;
        _upright = upright;
        _hasUpright = hasUpright;
        _meanMag = meanMag;
        _varMag = varMag;
        _gait = gait;
        _lastWalkingIndex = lastWalking;
        _windowA = windowA;
        _windowB = windowB;
        _lastFallMicros = lastFall;
        _lastNearFallMicros = lastNearFall;
        _watchFallMicros = watchFall;
        _lyingStillMicros = lyingStill;
        _uprightMicros = uprightTime;
        _lastUprightMicros = lastUpright;
        _softLyingMicros = softLying;
        _softOnsetMicros = softOnset;
        _sway = sway;
        _state = state;
        _apLearner = apLearner;
        _uprightConfirmed = uprightConfirmed;
        _walkingRun = walkingRun;
        _runGravity = runGravity;
        _seat = seat;
    }

    private void StartSegment(long startMicros)
    {
        Resets += Samples > 0 ? 1 : 0;
        _segmentStartMicros = startMicros;
        _state!.Reset();
        _meanMag = 1f;
        _varMag = 0f;
        _gait.Reset();
        _lastWalkingIndex = -1;
        _walkingRun = 0;
        _windowA.Start(0);
        _windowB.Start(-1);
        _seat.ResetSignal();
    }

    private long TimeOf(long index, int rate) => DeviceTimeMath.Add(_segmentStartMicros, index * 1_000_000L / rate);

    private void ProcessSample(RateState s, in AccelSample sample, IProcessorSink sink)
    {
        var index = s.Ring.Count;
        s.Ring.Push(sample);
        Samples++;

        var magnitude = sample.Magnitude;
        var gravity = s.Gravity.Process(sample);
        var g = new Vector3(gravity.X, gravity.Y, gravity.Z);

        // Activity from a ~1 s exponential estimate of the magnitude's variance.
        var delta = magnitude - _meanMag;
        _meanMag += s.ActivityAlpha * delta;
        _varMag = (1 - s.ActivityAlpha) * (_varMag + (s.ActivityAlpha * delta * delta));
        var still = _varMag < _options.StillStdG * _options.StillStdG;
        var walking = _gait.Update(magnitude - _meanMag, index, s.Rate) && !still;
        Activity = still ? Activity.Still : walking ? Activity.Walking : Activity.Moving;
        if (walking)
        {
            _lastWalkingIndex = index;
        }

        var walkedBefore = _lastWalkingIndex == index - 1;
        UpdateUpright(s, g, index, walking);
        if (_options.ApLearnWalkingSeconds > 0 && _hasUpright)
        {
            if (walking)
            {
                var dynamic = new Vector3(sample.X - gravity.X, sample.Y - gravity.Y, sample.Z - gravity.Z);
                _apLearner.Add(dynamic, _upright, ConfiguredAp, s.SampleSeconds, _options.ApLearnWalkingSeconds, _options.ApLearnMinAnisotropy);
            }
            else if (walkedBefore)
            {
                // The walk ended: the learner estimates only every so often while walking, so it catches up with its last
                // samples now, in the plane they were added in (the upright reference moves only while walking).
                _apLearner.Refresh(_upright, ConfiguredAp, _options.ApLearnWalkingSeconds, _options.ApLearnMinAnisotropy);
            }
        }

        TiltDeg = PerturbationFeatureExtractor.AngleDeg(g, _upright);
        Posture = TiltDeg >= _options.LyingDeg ? Posture.Lying : TiltDeg >= _options.InclinedDeg ? Posture.Inclined : Posture.Upright;
        _seat.Add(sample, _hasUpright ? _upright : null, ConfiguredAp, walking, Posture == Posture.Lying, _options.LyingDeg);

        AccumulateSway(s, sample, g, index, still, sink);
        if (_watchFallMicros != long.MinValue)
        {
            WatchLongLie(s, still, index, sink);
        }

        if (_options.Detector.SoftFalls)
        {
            WatchSoftFall(s, still, index, sink);
        }

        var stage = s.Tracker.OnSample(s.Ring, index, magnitude, _upright, _lastWalkingIndex >= 0 && index - _lastWalkingIndex <= s.Rate, out var features, out var announcedPeak);
        if (stage == CandidateStage.Provisional)
        {
            // Said at the impact, decided by the fall rule later: a carer may be told "possibly", never paged by it.
            var refractory = (long)(_options.Detector.RefractorySeconds * 1_000_000);
            if (PerturbationClassifier.IsPossibleFall(features, _options.Classifier) && !Within(TimeOf(features.PeakIndex, s.Rate), _lastFallMicros, refractory))
            {
                s.Tracker.Announce();
                Emit(s, features, EventKind.PossibleFall, 2, features.PeakIndex, index, sink);
            }
        }
        else if (stage == CandidateStage.Early)
        {
            // Falls are called as soon as the settling window shows lying; latency matters most here.
            var fall = PerturbationClassifier.IsFall(features, _options.Classifier) || s.Tracker.DecidedInheritsFall;
            if (fall && !s.Tracker.HandOverFall(features.PeakIndex, features.PeakAccelG, announcedPeak >= 0))
            {
                Raise(s, features, EventKind.Fall, index, sink);
            }

            // A fall confirms its provisional (a fall suppressed as a repeat is confirmed by the fall that stands).
            if (announcedPeak >= 0 && !fall)
            {
                Emit(s, features, EventKind.FallWithdrawn, 1, announcedPeak, index, sink);
            }
        }
        else if (stage == CandidateStage.Final)
        {
            CandidateObserver?.Invoke(features, TimeOf(features.PeakIndex, s.Rate));
            if (!PerturbationClassifier.IsFall(features, _options.Classifier) && PerturbationClassifier.IsNearFall(features, _options.Classifier))
            {
                Raise(s, features, EventKind.NearFall, index, sink);
            }
        }
    }

    private void WatchSoftFall(RateState s, bool still, long index, IProcessorSink sink)
    {
        var now = TimeOf(index, s.Rate);
        if (Posture == Posture.Upright)
        {
            _lastUprightMicros = now;
            _softLyingMicros = long.MinValue;
            return;
        }

        var d = _options.Detector;
        if (_softLyingMicros == long.MinValue)
        {
            // Only a quick change from upright to lying: lying down deliberately takes longer.
            if (Posture == Posture.Lying && _lastUprightMicros != long.MinValue
                && DeviceTimeMath.Subtract(now, _lastUprightMicros) <= (long)(d.SoftFallTransitionSeconds * 1_000_000))
            {
                _softLyingMicros = now;
                _softOnsetMicros = _lastUprightMicros;
            }

            return;
        }

        if (Posture != Posture.Lying)
        {
            _softLyingMicros = long.MinValue;
            return;
        }

        var lying = DeviceTimeMath.Subtract(now, _softLyingMicros);
        var decision = (long)(d.SoftFallDecisionSeconds * 1_000_000);

        // Once, at the first sample 1 s after lying (or at the decision if sooner): whatever the trunk did, a body that
        // fell met something harder than a mattress or a seat.
        var check = Math.Min(SoftFallImpactMicros, decision);
        if (lying >= check && lying - (1_000_000L / s.Rate) < check && d.SoftFallMinPeakG > 0
            && PeakSince(s, DeviceTimeMath.Subtract(_softOnsetMicros, SoftFallLookBackMicros), index) < d.SoftFallMinPeakG)
        {
            _softLyingMicros = long.MinValue;
            return;
        }

        if (lying < decision)
        {
            return;
        }

        var onset = _softOnsetMicros;
        var transition = DeviceTimeMath.Subtract(_softLyingMicros, onset);
        _softLyingMicros = long.MinValue;
        if (!still || Within(onset, _lastFallMicros, (long)(d.RefractorySeconds * 1_000_000)))
        {
            // Moving on the floor (or getting up) is left to the impact rule; a fall called by it stands.
            return;
        }

        _lastFallMicros = onset;
        StartLongLieWatch(onset);
        sink.OnEvent(new StabilityEvent(onset, EventKind.Fall, 2, 0.25f, 0f, 0f, transition / 1000f, TiltDeg, now));
    }

    /// <summary>Largest magnitude in the ring from device time <paramref name="fromMicros"/> to the sample at <paramref name="index"/>.</summary>
    private float PeakSince(RateState s, long fromMicros, long index)
    {
        var back = DeviceTimeMath.Subtract(TimeOf(index, s.Rate), fromMicros) * s.Rate / 1_000_000;
        var peak = 0f;
        for (var i = Math.Max(s.Ring.OldestIndex, index - Math.Max(0, back)); i <= index; i++)
        {
            peak = Math.Max(peak, s.Ring.At(i).Magnitude);
        }

        return peak;
    }

    private void StartLongLieWatch(long fallMicros)
    {
        if (_options.Detector.LongLieSeconds > 0)
        {
            _watchFallMicros = fallMicros;
            _lyingStillMicros = 0;
            _uprightMicros = 0;
        }
    }

    private void WatchLongLie(RateState s, bool still, long index, IProcessorSink sink)
    {
        var step = 1_000_000L / s.Rate;
        if (Posture == Posture.Upright)
        {
            _uprightMicros += step;
            if (_uprightMicros >= (long)(_options.Detector.LongLieUprightSeconds * 1_000_000))
            {
                // Got up: the fall alarm stands, but nobody lies on the floor.
                _watchFallMicros = long.MinValue;
            }

            return;
        }

        _uprightMicros = 0;
        if (!still)
        {
            return;
        }

        _lyingStillMicros += step;
        if (_lyingStillMicros >= (long)(_options.Detector.LongLieSeconds * 1_000_000))
        {
            sink.OnEvent(new StabilityEvent(
                _watchFallMicros,
                EventKind.LongLie,
                3,
                1f,
                0f,
                0f,
                _lyingStillMicros / 1000f,
                TiltDeg,
                TimeOf(index, s.Rate)));
            _watchFallMicros = long.MinValue;
        }
    }

    private Vector3 ConfiguredAp => _options.ApAxis switch { 0 => Vector3.UnitX, 1 => Vector3.UnitY, _ => Vector3.UnitZ };

    private void UpdateUpright(RateState s, Vector3 g, long index, bool walking)
    {
        // Orientation on the body is unknown: take the first settled gravity as upright (wearers
        // put the device on standing or sitting), then follow it slowly while the wearer walks,
        // the one activity that is surely upright, so a device that slipped in its clip is
        // followed within a minute of walking. The first settled gravity is only trusted once the
        // wearer walks: a device put on reclined or lying would otherwise read standing as lying
        // until the slow follow caught up, so the first walking that reads inclined or lying
        // snaps the reference instead.
        if (!_hasUpright)
        {
            if (index >= s.SettleSamples)
            {
                _upright = Vector3.Normalize(g);
                _hasUpright = true;
            }
            else
            {
                _upright = g.LengthSquared() > 1e-6f ? Vector3.Normalize(g) : Vector3.UnitY;
            }

            return;
        }

        if (walking && g.LengthSquared() > 0.25f)
        {
            // Confirmed after a few seconds of walking in a row with gravity steady, so not by the last steps before
            // a fall (the gait detector calls walking for a second after the last step).
            if (!_uprightConfirmed)
            {
                if (_walkingRun++ == 0)
                {
                    _runGravity = Vector3.Normalize(g);
                }

                if (_walkingRun >= s.ConfirmSamples)
                {
                    if (PerturbationFeatureExtractor.AngleDeg(g, _runGravity) >= UprightSteadyDeg)
                    {
                        _walkingRun = 0;
                    }
                    else
                    {
                        _uprightConfirmed = true;
                        if (PerturbationFeatureExtractor.AngleDeg(g, _upright) >= _options.InclinedDeg)
                        {
                            _upright = Vector3.Normalize(g);

                            // What it learned was projected on a wrong horizontal plane.
                            _apLearner.Clear();
                            return;
                        }
                    }
                }
            }

            _upright = Vector3.Normalize(Vector3.Lerp(_upright, Vector3.Normalize(g), s.UprightAlpha));
        }
        else
        {
            _walkingRun = 0;
        }
    }

    private void AccumulateSway(RateState s, in AccelSample sample, Vector3 g, long index, bool still, IProcessorSink sink)
    {
        var low = s.Sway.Process(sample);
        var up = g.LengthSquared() > 1e-6f ? Vector3.Normalize(g) : _upright;
        var apAxis = _apLearner.Axis(ConfiguredAp);
        var ap = apAxis - (Vector3.Dot(apAxis, up) * up);
        ap = ap.LengthSquared() > 1e-6f ? Vector3.Normalize(ap) : Vector3.Normalize(Vector3.Cross(up, Vector3.UnitX));
        var ml = Vector3.Cross(up, ap);
        var v = new Vector3(low.X, low.Y, low.Z);
        var apValue = Vector3.Dot(v, ap) * StandardGravity;
        var mlValue = Vector3.Dot(v, ml) * StandardGravity;

        if (index == s.Hop && _windowB.StartIndex < 0)
        {
            _windowB.Start(index);
        }

        _windowA.Add(apValue, mlValue, TiltDeg, still);
        if (_windowB.StartIndex >= 0)
        {
            _windowB.Add(apValue, mlValue, TiltDeg, still);
        }

        CloseIfFull(s, ref _windowA, index, sink);
        CloseIfFull(s, ref _windowB, index, sink);
    }

    private void CloseIfFull(RateState s, ref SwayAccumulator window, long index, IProcessorSink sink)
    {
        if (window.StartIndex < 0 || window.Count < s.Window)
        {
            return;
        }

        var metrics = window.ToMetrics(TimeOf(window.StartIndex, s.Rate), TimeOf(index + 1, s.Rate), s.Rate, Posture, window.StillFraction >= 0.8 ? Activity.Still : Activity.Moving, Seated);
        sink.OnWindow(metrics);
        if (_sway.OnWindow(metrics, window.StillFraction, out var swayEvent))
        {
            sink.OnEvent(swayEvent);
        }

        window.Start(index + 1);
    }

    private void Raise(RateState s, in PerturbationFeatures f, EventKind kind, long index, IProcessorSink sink)
    {
        var peakMicros = TimeOf(f.PeakIndex, s.Rate);
        var refractory = (long)(_options.Detector.RefractorySeconds * 1_000_000);
        if (kind == EventKind.Fall)
        {
            if (Within(peakMicros, _lastFallMicros, refractory))
            {
                return;
            }

            _lastFallMicros = peakMicros;
            StartLongLieWatch(peakMicros);
        }
        else
        {
            // A stumble right after a fall is the same incident; the fall alarm already stands.
            if (Within(peakMicros, _lastNearFallMicros, refractory) || Within(peakMicros, _lastFallMicros, refractory))
            {
                return;
            }

            _lastNearFallMicros = peakMicros;
        }

        var severity = kind == EventKind.Fall ? (byte)3 : f.PeakAccelG >= 3f ? (byte)2 : (byte)1;
        Emit(s, f, kind, severity, f.PeakIndex, index, sink);
    }

    private void Emit(RateState s, in PerturbationFeatures f, EventKind kind, byte severity, long onsetIndex, long index, IProcessorSink sink) =>
        sink.OnEvent(new StabilityEvent(
            TimeOf(onsetIndex, s.Rate),
            kind,
            severity,
            Math.Clamp((f.PeakAccelG - _options.Detector.TriggerG) / 4f, 0f, 1f),
            f.PeakAccelG,
            f.PeakJerkGPerS,
            f.ActiveMs,
            f.TiltChangeDeg,
            TimeOf(index, s.Rate)));

    // long.MinValue marks "never"; the difference saturates because device times are untrusted.
    private static bool Within(long now, long last, long span) => last != long.MinValue && DeviceTimeMath.Subtract(now, last) < span;

    /// <summary>Everything that depends on the sample rate, allocated once per rate.</summary>
    private sealed class RateState
    {
        public RateState(ProcessorOptions options, int rate)
        {
            Rate = rate;
            DetectorCapacity = RingCapacity(PerturbationTracker.HistorySeconds(options.Detector), rate);
            SavedCapacity = Math.Max(DetectorCapacity, SeatTracker.RawSamplesNeeded(rate));
            Gravity = new LowPass3(options.GravityCutoffHz, rate, 2);
            Sway = new LowPass3(options.SwayCutoffHz, rate, options.SwayFilterOrder);
            Tracker = new PerturbationTracker(options.Detector, rate);
            Ring = new SampleRing(Math.Max(RingCapacity(HistorySeconds(options.Detector), rate), SavedCapacity));
            Window = Math.Max(2, (long)Math.Round(options.SwayWindowSeconds * rate));
            Hop = Math.Max(1, (long)Math.Round(options.SwayHopSeconds * rate));
            ActivityAlpha = 1f / Math.Max(1, rate);
            UprightAlpha = 1f / Math.Max(1, 30 * rate);
            SettleSamples = Math.Max(1, rate / 2);
            ConfirmSamples = Math.Max(1, (long)UprightConfirmSeconds * rate);
            SampleSeconds = 1.0 / Math.Max(1, rate);
        }

        // Walking in a row before the upright reference is confirmed or snapped, s.
        private const int UprightConfirmSeconds = 2;

        public int Rate { get; }

        public LowPass3 Gravity { get; }

        public LowPass3 Sway { get; }

        public PerturbationTracker Tracker { get; }

        public SampleRing Ring { get; }

        /// <summary>Samples of the detector's own look-back.</summary>
        public int DetectorCapacity { get; }

        /// <summary>
        /// Samples of the ring a checkpoint keeps: the detector's look-back and the sitting/standing tracker's, which
        /// reads its history from this ring. An event's longer look-back is not kept.
        /// </summary>
        public int SavedCapacity { get; }

        public long Window { get; }

        public long Hop { get; }

        public float ActivityAlpha { get; }

        public float UprightAlpha { get; }

        public long SettleSamples { get; }

        public long ConfirmSamples { get; }

        public double SampleSeconds { get; }

        public void Reset()
        {
            Gravity.Reset();
            Sway.Reset();
            Tracker.Reset();
            Ring.Clear();
        }

        // The rest is derived from the options and the rate, which the caller writes. Of the ring, what the detector and
        // the sitting/standing tracker look back over: a restored processor is exactly the one that wrote it, an event
        // raised in its first seconds may find less of what led up to it.
        public void WriteState(BinaryWriter writer)
        {
            Gravity.WriteState(writer);
            Sway.WriteState(writer);
            Tracker.WriteState(writer);
            Ring.WriteState(writer, SavedCapacity);
        }

        // Before version 6 the ring was the detector's look-back alone (the sitting/standing tracker kept its own).
        public void ReadState(BinaryReader reader, ushort version)
        {
            Gravity.ReadState(reader);
            Sway.ReadState(reader);
            Tracker.ReadState(reader);
            Ring.ReadState(reader, version >= 6 ? SavedCapacity : DetectorCapacity);
        }

        private static int RingCapacity(float seconds, int rate) => (int)Math.Ceiling(seconds * rate) + 1;

        /// <summary>
        /// The detector's look-back, or an event's (<see cref="EventLookBackSeconds"/>) from the latest it is raised
        /// after its time: a near-fall its decision delay after the peak; a soft fall, timed at the last upright moment,
        /// once the wearer has lain still for its decision time after a change to lying of at most its transition time.
        /// </summary>
        private static float HistorySeconds(DetectorOptions d)
        {
            var raisedAfter = Math.Max(d.DecisionDelaySeconds, d.NearFallDecisionDelaySeconds);
            if (d.SoftFalls)
            {
                raisedAfter = Math.Max(raisedAfter, d.SoftFallTransitionSeconds + d.SoftFallDecisionSeconds);
            }

            return Math.Max(PerturbationTracker.HistorySeconds(d), raisedAfter + EventLookBackSeconds);
        }
    }

    /// <summary>A thread's buffer and writer for building state envelopes (held for the thread's life: a few KB).</summary>
    private sealed class StateScratch
    {
        public StateScratch() => Writer = new BinaryWriter(Buffer, System.Text.Encoding.UTF8, leaveOpen: true);

        public MemoryStream Buffer { get; } = new();

        public BinaryWriter Writer { get; }
    }
}
