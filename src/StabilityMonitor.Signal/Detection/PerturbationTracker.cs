using System.Numerics;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Detection;

/// <summary>
/// Finds candidate perturbations (an acceleration peak over the trigger) and, once the settling
/// window after the peak has been seen, measures their features. Per sample it only compares.
/// </summary>
internal sealed class PerturbationTracker
{
    private readonly DetectorOptions _options;
    private readonly int _rate;
    private readonly long _collect;
    private readonly long _delay;
    private readonly long _warmUp;
    private bool _pending;
    private long _collectUntil;
    private long _peakIndex;
    private float _peak;

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

    public void Reset() => _pending = false;

    /// <summary>Feeds the sample just pushed into <paramref name="ring"/>; true when a candidate is complete.</summary>
    public bool OnSample(SampleRing ring, long index, float magnitude, Vector3 upright, out PerturbationFeatures features)
    {
        if (_pending)
        {
            if (index <= _collectUntil && magnitude > _peak)
            {
                _peak = magnitude;
                _peakIndex = index;
            }

            if (index >= _peakIndex + _delay && index >= _collectUntil)
            {
                _pending = false;
                features = PerturbationFeatureExtractor.Extract(ring, _peakIndex, index, _rate, upright);
                return true;
            }
        }
        else if (magnitude >= _options.TriggerG && index >= _warmUp)
        {
            _pending = true;
            _peak = magnitude;
            _peakIndex = index;
            _collectUntil = index + _collect;
        }

        features = default;
        return false;
    }
}
