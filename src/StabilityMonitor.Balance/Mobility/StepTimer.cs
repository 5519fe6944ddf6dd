namespace StabilityMonitor.Balance.Mobility;

/// <summary>
/// Times individual steps within walking: a step is a local maximum of the magnitude above the window's mean plus
/// half its standard deviation, at least 0.6 step times after the previous one (sub-sample by a parabola through
/// the peak). Keeps a running mean and variance of the step intervals (Welford) for the current bout.
/// </summary>
internal struct StepTimer
{
    private float _previous2;
    private float _previous1;
    private long _lastPeakIndex;
    private float _lastPeakOffset;
    private int _count;
    private double _mean;
    private double _m2;

    public readonly int Intervals => _count;

    /// <summary>Coefficient of variation of the step intervals of the bout so far, or NaN below 8 intervals.</summary>
    public readonly float CoefficientOfVariation =>
        _count < 8 || _mean <= 0 ? float.NaN : (float)(Math.Sqrt(_m2 / (_count - 1)) / _mean);

    public void ResetBout()
    {
        _count = 0;
        _mean = 0;
        _m2 = 0;
    }

    public void Reset() => this = default;

    /// <summary>Feeds sample <paramref name="index"/>; <paramref name="stepSeconds"/> is 0 when not walking.</summary>
    public void Update(float magnitude, long index, float rateHz, float stepSeconds, float threshold)
    {
        // Peak at index - 1.
        if (stepSeconds > 0 && _previous1 > threshold && _previous1 >= _previous2 && _previous1 > magnitude && index >= 2)
        {
            var offset = GaitAutocorrelation.ParabolicOffset(_previous2, _previous1, magnitude);
            var peak = index - 1;
            var interval = (peak - _lastPeakIndex + offset - _lastPeakOffset) / rateHz;
            if (_lastPeakIndex == 0 || interval >= 0.6f * stepSeconds)
            {
                if (_lastPeakIndex > 0 && interval <= 1.6f * stepSeconds)
                {
                    _count++;
                    var delta = interval - _mean;
                    _mean += delta / _count;
                    _m2 += delta * (interval - _mean);
                }

                _lastPeakIndex = peak;
                _lastPeakOffset = offset;
            }
        }

        _previous2 = _previous1;
        _previous1 = magnitude;
    }
}
