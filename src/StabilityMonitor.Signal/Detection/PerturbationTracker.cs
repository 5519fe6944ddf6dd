using System.Numerics;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Detection;

/// <summary>
/// Finds candidate perturbations (an acceleration peak over the trigger) and measures their
/// features at two points after the peak: early, for the fall decision (latency matters), and
/// later, for the near-fall decision (how the wearer moved on matters). Per sample it only compares.
/// A new peak that arrives while earlier candidates wait opens a candidate of its own, so a
/// stumble right after an ordinary step is not hidden behind it.
/// </summary>
internal sealed class PerturbationTracker
{
    // Candidates open at most once per collect window (1 s) and live for the near-fall delay after it.
    private const int Slots = 8;

    private readonly DetectorOptions _options;
    private readonly int _rate;
    private readonly long _collect;
    private readonly long _delay;
    private readonly long _nearFallDelay;
    private readonly long _warmUp;
    private readonly long _provisionalDelay;

    // Borrowed from CandidateSlots while a candidate is open, given back when none is: most wearables have none open
    // most of the time, and the slots are ~1.1 KB a wearable (docs/performance.md, ninth session).
    private Candidate[]? _candidates;

    // The candidate last reported at its provisional point, which Announce marks in the same sample: not state.
    private int _provisional = -1;

    /// <summary>
    /// Whether the candidate just reported at <see cref="CandidateStage.Early"/> carries a fall handed over by an
    /// earlier candidate (<see cref="HandOverFall"/>). Valid until the next sample.
    /// </summary>
    public bool DecidedInheritsFall { get; private set; }

    public PerturbationTracker(DetectorOptions options, int sampleRateHz)
    {
        _options = options;
        _rate = sampleRateHz;
        _collect = (long)Math.Round(options.CollectSeconds * sampleRateHz);
        _delay = Math.Max(1, (long)Math.Round(options.DecisionDelaySeconds * sampleRateHz));
        _nearFallDelay = Math.Max(_delay, (long)Math.Round(options.NearFallDecisionDelaySeconds * sampleRateHz));
        _warmUp = (long)Math.Round(options.WarmUpSeconds * sampleRateHz);
        // Off (0) where the decision is a single sample away (a very low or hostile declared rate): no room before it.
        _provisionalDelay = options.ProvisionalFalls && _delay >= 2 ? Math.Clamp((long)Math.Round(options.ProvisionalDelaySeconds * sampleRateHz), 1, _delay - 1) : 0;
    }


    /// <summary>Seconds of history the extractor needs: baseline before the peak, collect and settle after.</summary>
    public static float HistorySeconds(DetectorOptions options) =>
        3.5f + options.CollectSeconds + Math.Max(options.DecisionDelaySeconds, options.NearFallDecisionDelaySeconds);

    public void Reset()
    {
        GiveBackSlots();
        _provisional = -1;
    }

    /// <summary>Whether candidate slots are held now (tests: they are given back once no candidate is open).</summary>
    internal bool HoldsSlots => _candidates is not null;

    /// <summary>
    /// Feeds the sample just pushed into <paramref name="ring"/>; says which decision point, if any, a candidate reached.
    /// At <see cref="CandidateStage.Provisional"/> the features are the provisional ones
    /// (<see cref="PerturbationFeatureExtractor.ExtractProvisional"/>); the caller calls <see cref="Announce"/> if it
    /// raised a provisional event for them. At <see cref="CandidateStage.Early"/>, <paramref name="announcedPeakIndex"/>
    /// is the peak the candidate was announced at, or −1 when it was not announced.
    /// </summary>
    public CandidateStage OnSample(SampleRing ring, long index, float magnitude, Vector3 upright, bool walking, out PerturbationFeatures features, out long announcedPeakIndex)
    {
        DecidedInheritsFall = false;
        var collecting = false;
        var due = -1;
        var provisional = -1;
        var announced = false;
        var candidates = _candidates ?? [];
        for (var i = 0; i < candidates.Length; i++)
        {
            ref var c = ref candidates[i];
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

            announced |= c.AnnouncedPeakIndex >= 0 && c.Stage == CandidateStage.Early;

            // Once per peak: a larger peak later in the collect window is looked at again.
            if (provisional < 0 && _provisionalDelay > 0 && c.Stage == CandidateStage.Early && c.AnnouncedPeakIndex < 0
                && c.CheckedPeakIndex != c.PeakIndex && index >= c.PeakIndex + _provisionalDelay && index < c.PeakIndex + _delay)
            {
                provisional = i;
            }
        }

        if (!collecting && magnitude >= _options.TriggerG && index >= _warmUp)
        {
            Open(index, magnitude, walking);
        }

        if (due >= 0)
        {
            ref var c = ref candidates[due];
            var stage = c.Stage;
            if (stage == CandidateStage.Early)
            {
                c.Features = PerturbationFeatureExtractor.Extract(ring, c.PeakIndex, index, _rate, upright) with { WalkingBefore = c.WalkingAtOpen };
                c.Stage = CandidateStage.Final;
                DecidedInheritsFall = c.InheritsFall;
                features = c.Features;
                announcedPeakIndex = c.AnnouncedPeakIndex;
                c.AnnouncedPeakIndex = -1;
            }
            else
            {
                var postLong = PerturbationFeatureExtractor.MagnitudeStd(ring, c.PeakIndex + (long)Math.Round(0.5 * _rate), index + 1);
                features = c.Features with { PostLongStdG = postLong };
                c.Stage = CandidateStage.None;
                announcedPeakIndex = -1;
                GiveBackSlotsIfIdle();
            }

            return stage;
        }

        // One provisional at a time: while one waits for its decision, a second impact belongs to the same incident.
        if (provisional >= 0 && !announced)
        {
            ref var c = ref candidates[provisional];
            c.CheckedPeakIndex = c.PeakIndex;
            _provisional = provisional;
            features = PerturbationFeatureExtractor.ExtractProvisional(ring, c.PeakIndex, index, _rate, upright);
            announcedPeakIndex = -1;
            return CandidateStage.Provisional;
        }

        features = default;
        announcedPeakIndex = -1;
        return CandidateStage.None;
    }

    /// <summary>Marks the candidate last reported at <see cref="CandidateStage.Provisional"/> as announced.</summary>
    public void Announce()
    {
        if (_provisional >= 0 && _candidates is not null && _candidates[_provisional].Stage == CandidateStage.Early)
        {
            _candidates[_provisional].AnnouncedPeakIndex = _candidates[_provisional].PeakIndex;
        }
    }

    /// <summary>
    /// Hands the fall just decided for the candidate peaking at <paramref name="peakIndex"/> to a later, larger impact
    /// still waiting for its own decision, and says whether one took it. A trip while jogging opens a candidate at an
    /// ordinary stride; the fall's own impact comes after that candidate's collect window, so the stride's candidate
    /// sees the lying that follows and would be called the fall, timed at the stride, with the real impact a repeat.
    /// The later candidate is then decided a fall whatever its own features say: the incident is one fall either way.
    /// If the fall was announced (<paramref name="announced"/>), the taker counts as announced too, so the incident
    /// gets no second "possible fall".
    /// </summary>
    public bool HandOverFall(long peakIndex, float peak, bool announced)
    {
        var candidates = _candidates ?? [];
        for (var i = 0; i < candidates.Length; i++)
        {
            ref var c = ref candidates[i];
            if (c.Stage == CandidateStage.Early && c.PeakIndex > peakIndex && c.Peak > peak)
            {
                c.InheritsFall = true;
                if (announced && c.AnnouncedPeakIndex < 0)
                {
                    c.AnnouncedPeakIndex = c.PeakIndex;
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>Writes every candidate slot; the rest of the tracker follows from the options and the rate.</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(Slots);
        if (_candidates is null)
        {
            // As Slots free slots: a free slot is its stage alone.
            for (var i = 0; i < Slots; i++)
            {
                writer.Write((byte)CandidateStage.None);
            }

            return;
        }

        foreach (ref readonly var c in _candidates.AsSpan())
        {
            c.WriteState(writer);
        }
    }

    /// <summary>
    /// Which slots carry a handed-over fall, one bit per slot (written apart from the slots, after the format's
    /// version 3 content, so that a version 3 state still reads: it has none).
    /// </summary>
    public byte InheritedFalls
    {
        get
        {
            var mask = 0;
            var candidates = _candidates ?? [];
            for (var i = 0; i < candidates.Length; i++)
            {
                mask |= candidates[i].Stage == CandidateStage.Early && candidates[i].InheritsFall ? 1 << i : 0;
            }

            return (byte)mask;
        }
    }

    /// <summary>Restores <see cref="InheritedFalls"/> after <see cref="ReadState"/>; a bit on a slot not waiting for its fall decision is refused.</summary>
    public void ReadInheritedFalls(byte mask)
    {
        for (var i = 0; i < Slots; i++)
        {
            var set = (mask & (1 << i)) != 0;
            if (set && (_candidates is null || _candidates[i].Stage != CandidateStage.Early))
            {
                ThrowHelper.ThrowInvalidData("A handed-over fall is stored on a candidate slot that is not waiting for its fall decision.");
            }

            if (_candidates is not null)
            {
                _candidates[i].InheritsFall = set;
            }
        }
    }

    /// <summary>Restores into a tracker built with the same options and rate.</summary>
    public void ReadState(BinaryReader reader)
    {
        StateBinary.ReadInRange(reader, Slots, Slots, "the number of candidate slots");
        GiveBackSlots();
        Span<Candidate> read = stackalloc Candidate[Slots];
        for (var i = 0; i < Slots; i++)
        {
            read[i] = Candidate.ReadState(reader);
        }

        foreach (ref readonly var c in read)
        {
            if (c.Stage != CandidateStage.None)
            {
                _candidates = CandidateSlots.Rent();
                read.CopyTo(_candidates);
                break;
            }
        }
    }

    private void Open(long index, float magnitude, bool walking)
    {
        _candidates ??= CandidateSlots.Rent();
        for (var i = 0; i < _candidates.Length; i++)
        {
            if (_candidates[i].Stage == CandidateStage.None)
            {
                _candidates[i] = new Candidate
                {
                    Stage = CandidateStage.Early, Peak = magnitude, PeakIndex = index, CollectUntil = index + _collect, CheckedPeakIndex = -1, AnnouncedPeakIndex = -1, WalkingAtOpen = walking,
                };
                return;
            }
        }

        // Every slot waits for a decision: this peak lies within windows already open.
    }

    private void GiveBackSlotsIfIdle()
    {
        foreach (ref readonly var c in _candidates.AsSpan())
        {
            if (c.Stage != CandidateStage.None)
            {
                return;
            }
        }

        GiveBackSlots();
    }

    private void GiveBackSlots()
    {
        if (_candidates is { } slots)
        {
            _candidates = null;
            CandidateSlots.Return(slots);
        }
    }

    /// <summary>
    /// Free candidate slot arrays, shared by every tracker (devices are processed on several threads). Kept so that a
    /// candidate opening does not allocate once a few have come and gone; past the cap a burst's extras go to the collector.
    /// </summary>
    private static class CandidateSlots
    {
        private const int MaxFree = 1024;
        private static readonly Stack<Candidate[]> s_free = new();
        private static readonly Lock s_lock = new();

        public static Candidate[] Rent()
        {
            lock (s_lock)
            {
                if (s_free.TryPop(out var slots))
                {
                    return slots;
                }
            }

            return new Candidate[Slots];
        }

        /// <summary>Takes back slots that are all free.</summary>
        public static void Return(Candidate[] slots)
        {
            Array.Clear(slots);
            lock (s_lock)
            {
                if (s_free.Count < MaxFree)
                {
                    s_free.Push(slots);
                }
            }
        }
    }

    private struct Candidate
    {
        public CandidateStage Stage;
        public long CollectUntil;
        public long PeakIndex;
        public float Peak;
        public PerturbationFeatures Features;

        // The peak the provisional decision last looked at, and the peak a provisional event was raised for (−1: none).
        public long CheckedPeakIndex;
        public long AnnouncedPeakIndex;

        // The gait detector's call when the candidate opened: the steps before the jolt.
        public bool WalkingAtOpen;

        // An earlier candidate's fall handed to this larger impact (HandOverFall).
        public bool InheritsFall;

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
            writer.Write(CheckedPeakIndex);
            writer.Write(AnnouncedPeakIndex);
            writer.Write(WalkingAtOpen);
            Features.WriteState(writer);
        }

        public static Candidate ReadState(BinaryReader reader)
        {
            var stage = StateBinary.ReadEnum<CandidateStage>(reader);
            if (stage == CandidateStage.Provisional)
            {
                ThrowHelper.ThrowInvalidData("A candidate slot cannot be stored at the provisional stage.");
            }

            return stage == CandidateStage.None
                ? default
                : new Candidate
                {
                    Stage = stage,
                    CollectUntil = reader.ReadInt64(),
                    PeakIndex = reader.ReadInt64(),
                    Peak = reader.ReadSingle(),
                    CheckedPeakIndex = reader.ReadInt64(),
                    AnnouncedPeakIndex = reader.ReadInt64(),
                    WalkingAtOpen = StateBinary.ReadBoolean(reader),
                    Features = PerturbationFeatures.ReadState(reader),
                };
        }
    }
}
