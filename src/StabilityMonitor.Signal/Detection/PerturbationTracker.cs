using System.Numerics;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Detection;

/// <summary>
/// Finds candidate perturbations (an acceleration peak over the trigger) and, once the settling
/// window after the peak has been seen, measures their features. Per sample it only compares.
/// A new peak that arrives while an earlier candidate waits for its decision opens a candidate of
/// its own, so a stumble right after an ordinary step is not hidden behind it.
/// </summary>
internal sealed class PerturbationTracker
{
    private const int Slots = 4;

    private readonly DetectorOptions _options;
    private readonly int _rate;
    private readonly long _collect;
    private readonly long _delay;
    private readonly long _warmUp;
    private readonly Candidate[] _candidates = new Candidate[Slots];

    public PerturbationTracker(DetectorOptions options, int sampleRateHz)
    {
        _options = options;
        _rate = sampleRateHz;
        _collect = (long)Math.Round(options.CollectSeconds * sampleRateHz);
        _delay = Math.Max(1, (long)Math.Round(options.DecisionDelaySeconds * sampleRateHz));
        _warmUp = (long)Math.Round(options.WarmUpSeconds * sampleRateHz);
    }

    /// <summary>Seconds of history the extractor needs: baseline before the peak, collect and settle after.</summary>
    public static float HistorySeconds(DetectorOptions options) => 3.5f + options.CollectSeconds + options.DecisionDelaySeconds;

    public void Reset() => Array.Clear(_candidates);

    /// <summary>Feeds the sample just pushed into <paramref name="ring"/>; true when a candidate is complete.</summary>
    public bool OnSample(SampleRing ring, long index, float magnitude, Vector3 upright, out PerturbationFeatures features)
    {
        var collecting = false;
        var completed = -1;
        for (var i = 0; i < _candidates.Length; i++)
        {
            ref var c = ref _candidates[i];
            if (!c.Active)
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
            else if (index >= c.PeakIndex + _delay && completed < 0)
            {
                completed = i;
            }
        }

        if (!collecting && magnitude >= _options.TriggerG && index >= _warmUp)
        {
            Open(index, magnitude);
        }

        if (completed >= 0)
        {
            ref var done = ref _candidates[completed];
            done.Active = false;
            features = PerturbationFeatureExtractor.Extract(ring, done.PeakIndex, index, _rate, upright);
            return true;
        }

        features = default;
        return false;
    }

    private void Open(long index, float magnitude)
    {
        for (var i = 0; i < _candidates.Length; i++)
        {
            if (!_candidates[i].Active)
            {
                _candidates[i] = new Candidate { Active = true, Peak = magnitude, PeakIndex = index, CollectUntil = index + _collect };
                return;
            }
        }

        // All slots wait for decisions: this peak lies within the windows of those already open.
    }

    private struct Candidate
    {
        public bool Active;
        public long CollectUntil;
        public long PeakIndex;
        public float Peak;
    }
}
