using System.Numerics;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Detection;

/// <summary>
/// Finds candidate perturbations (an acceleration peak over the trigger) and measures their
/// features at two points after the peak: early, for the fall decision (latency matters), and
/// later, for the near-fall decision (how the wearer moved on matters). Per sample it only compares.
/// A new peak that arrives while earlier candidates wait opens a candidate of its own, so a
/// stumble right after an ordinary step is not hidden behind it. Complete features are held back
/// until a fall that follows within <see cref="DetectorOptions.NearFallIncidentSeconds"/> would have
/// been decided, so that the processor sees that fall first and a stumble that led to it is not
/// raised as an incident of its own.
/// </summary>
internal sealed class PerturbationTracker
{
    // Candidates open at most once per collect window (1 s) and live for the near-fall delay after it.
    private const int Slots = 8;

    // Measured candidates wait here for the incident window. A peak a second while jogging fills them: then the
    // oldest is released early (it is not a stumble anyway: its gait was not ordinary walking).
    private const int HeldSlots = 6;

    private readonly DetectorOptions _options;
    private readonly int _rate;
    private readonly long _collect;
    private readonly long _delay;
    private readonly long _nearFallDelay;
    private readonly long _warmUp;
    private readonly long _release;
    private readonly Candidate[] _candidates = new Candidate[Slots];
    private readonly Held[] _held = new Held[HeldSlots];

    public PerturbationTracker(DetectorOptions options, int sampleRateHz)
    {
        _options = options;
        _rate = sampleRateHz;
        _collect = (long)Math.Round(options.CollectSeconds * sampleRateHz);
        _delay = Math.Max(1, (long)Math.Round(options.DecisionDelaySeconds * sampleRateHz));
        _nearFallDelay = Math.Max(_delay, (long)Math.Round(options.NearFallDecisionDelaySeconds * sampleRateHz));
        _warmUp = (long)Math.Round(options.WarmUpSeconds * sampleRateHz);
        _release = Math.Max(_nearFallDelay, (long)Math.Round((options.NearFallIncidentSeconds + options.DecisionDelaySeconds) * sampleRateHz));
    }

    /// <summary>Seconds of history the extractor needs: baseline before the peak, collect and settle after.</summary>
    public static float HistorySeconds(DetectorOptions options) =>
        3.5f + options.CollectSeconds + Math.Max(options.DecisionDelaySeconds, options.NearFallDecisionDelaySeconds);

    /// <summary>
    /// Clears every candidate and every held measurement: after a gap the sample indices they refer to start again,
    /// so a stumble held when the stream breaks is not raised (as one still measuring never was).
    /// </summary>
    public void Reset()
    {
        Array.Clear(_candidates);
        Array.Clear(_held);
    }

    /// <summary>Feeds the sample just pushed into <paramref name="ring"/>; says which decision point, if any, a candidate reached.</summary>
    public CandidateStage OnSample(SampleRing ring, long index, float magnitude, Vector3 upright, out PerturbationFeatures features)
    {
        var collecting = false;
        var due = -1;
        for (var i = 0; i < _candidates.Length; i++)
        {
            ref var c = ref _candidates[i];
            if (c.Stage == CandidateStage.None)
            {
                continue;
            }

            if (index <= c.CollectUntil)
            {
                collecting = true;
                if (magnitude > c.Peak)
                {
                    c.Peak = magnitude;
                    c.PeakIndex = index;
                }
            }
            else if (due < 0 && index >= c.PeakIndex + (c.Stage == CandidateStage.Early ? _delay : _nearFallDelay))
            {
                due = i;
            }
        }

        if (!collecting && magnitude >= _options.TriggerG && index >= _warmUp)
        {
            Open(index, magnitude);
        }

        if (due >= 0)
        {
            ref var c = ref _candidates[due];
            var stage = c.Stage;
            if (stage == CandidateStage.Early)
            {
                c.Features = PerturbationFeatureExtractor.Extract(ring, c.PeakIndex, index, _rate, upright);
                c.Stage = CandidateStage.Final;
                features = c.Features;
                return stage;
            }

            var postLong = PerturbationFeatureExtractor.MagnitudeStd(ring, c.PeakIndex + (long)Math.Round(0.5 * _rate), index + 1);
            var complete = c.Features with { PostLongStdG = postLong };
            c.Stage = CandidateStage.None;
            if (_release <= _nearFallDelay)
            {
                features = complete;
                return CandidateStage.Final;
            }

            // Held until a following fall would have been decided; when every place is taken the oldest goes now.
            var slot = FreeOrOldestHeld();
            var evicted = _held[slot];
            _held[slot] = new Held { Used = true, ReleaseIndex = complete.PeakIndex + _release, Features = complete };
            if (evicted.Used)
            {
                features = evicted.Features;
                return CandidateStage.Final;
            }
        }

        var ready = DueHeld(index);
        if (ready >= 0)
        {
            features = _held[ready].Features;
            _held[ready] = default;
            return CandidateStage.Final;
        }

        features = default;
        return CandidateStage.None;
    }

    /// <summary>
    /// Writes every candidate slot and every held measurement; the rest of the tracker follows from the options and
    /// the rate. The slot count written is both together, so a state from before the held measurements (8) is refused.
    /// </summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_candidates.Length + _held.Length);
        foreach (ref readonly var c in _candidates.AsSpan())
        {
            c.WriteState(writer);
        }

        foreach (ref readonly var h in _held.AsSpan())
        {
            h.WriteState(writer);
        }
    }

    /// <summary>Restores into a tracker built with the same options and rate.</summary>
    public void ReadState(BinaryReader reader)
    {
        StateBinary.ReadInRange(reader, Slots + HeldSlots, Slots + HeldSlots, "the number of candidate slots");
        for (var i = 0; i < _candidates.Length; i++)
        {
            _candidates[i] = Candidate.ReadState(reader);
        }

        for (var i = 0; i < _held.Length; i++)
        {
            _held[i] = Held.ReadState(reader);
        }
    }

    private int FreeOrOldestHeld()
    {
        var oldest = 0;
        for (var i = 0; i < _held.Length; i++)
        {
            if (!_held[i].Used)
            {
                return i;
            }

            if (_held[i].ReleaseIndex < _held[oldest].ReleaseIndex)
            {
                oldest = i;
            }
        }

        return oldest;
    }

    private int DueHeld(long index)
    {
        var due = -1;
        for (var i = 0; i < _held.Length; i++)
        {
            if (_held[i].Used && index >= _held[i].ReleaseIndex && (due < 0 || _held[i].ReleaseIndex < _held[due].ReleaseIndex))
            {
                due = i;
            }
        }

        return due;
    }

    private void Open(long index, float magnitude)
    {
        for (var i = 0; i < _candidates.Length; i++)
        {
            if (_candidates[i].Stage == CandidateStage.None)
            {
                _candidates[i] = new Candidate { Stage = CandidateStage.Early, Peak = magnitude, PeakIndex = index, CollectUntil = index + _collect };
                return;
            }
        }

        // Every slot waits for a decision: this peak lies within windows already open.
    }

    /// <summary>A candidate measured completely, waiting for the incident window to pass.</summary>
    private struct Held
    {
        public bool Used;
        public long ReleaseIndex;
        public PerturbationFeatures Features;

        public readonly void WriteState(BinaryWriter writer)
        {
            writer.Write(Used);
            if (!Used)
            {
                return;
            }

            writer.Write(ReleaseIndex);
            Features.WriteState(writer);
        }

        public static Held ReadState(BinaryReader reader) => StateBinary.ReadBoolean(reader)
            ? new Held { Used = true, ReleaseIndex = reader.ReadInt64(), Features = PerturbationFeatures.ReadState(reader) }
            : default;
    }

    private struct Candidate
    {
        public CandidateStage Stage;
        public long CollectUntil;
        public long PeakIndex;
        public float Peak;
        public PerturbationFeatures Features;

        // A free slot's other fields are never read (Open overwrites the whole slot): its stage is all it keeps.
        public readonly void WriteState(BinaryWriter writer)
        {
            writer.Write((byte)Stage);
            if (Stage == CandidateStage.None)
            {
                return;
            }

            writer.Write(CollectUntil);
            writer.Write(PeakIndex);
            writer.Write(Peak);
            Features.WriteState(writer);
        }

        public static Candidate ReadState(BinaryReader reader)
        {
            var stage = StateBinary.ReadEnum<CandidateStage>(reader);
            return stage == CandidateStage.None
                ? default
                : new Candidate
                {
                    Stage = stage,
                    CollectUntil = reader.ReadInt64(),
                    PeakIndex = reader.ReadInt64(),
                    Peak = reader.ReadSingle(),
                    Features = PerturbationFeatures.ReadState(reader),
                };
        }
    }
}
