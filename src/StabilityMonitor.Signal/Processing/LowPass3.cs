using NWaves.Filters.Base;
using NWaves.Filters.Fda;
using ButterworthLowPass = NWaves.Filters.Butterworth.LowPassFilter;

namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// One streaming Butterworth low-pass per axis, designed for the stream's sample rate.
/// Orders above 2 run as second-order sections: direct-form float coefficients of a high-order
/// low-cutoff design lose precision.
/// </summary>
internal sealed class LowPass3
{
    private readonly IOnlineFilter _x;
    private readonly IOnlineFilter _y;
    private readonly IOnlineFilter _z;
    private const int PrimingSteps = 4000;

    private bool _primed;

    public LowPass3(double cutoffHz, int sampleRateHz, int order)
    {
        _x = Create(cutoffHz, sampleRateHz, order);
        _y = Create(cutoffHz, sampleRateHz, order);
        _z = Create(cutoffHz, sampleRateHz, order);
    }

    public static IOnlineFilter Create(double cutoffHz, int sampleRateHz, int order)
    {
        // Cutoff at or above Nyquist: the stream is already band-limited there; pass it through.
        var normalized = cutoffHz / sampleRateHz;
        if (normalized >= 0.45)
        {
            return new PassThrough();
        }

        var tf = new ButterworthLowPass(normalized, order).Tf;
        return order <= 2 ? new ZiFilter(tf) : new FilterChain(DesignFilter.TfToSos(tf));
    }

    public AccelSample Process(in AccelSample input)
    {
        if (!_primed)
        {
            // Start from the first sample's level instead of zero, so a reset does not ring
            // through the detectors as a phantom step of 1 g.
            Prime(input);
        }

        return new AccelSample(_x.Process(input.X), _y.Process(input.Y), _z.Process(input.Z));
    }

    public void Reset()
    {
        _x.Reset();
        _y.Reset();
        _z.Reset();
        _primed = false;
    }

    private void Prime(in AccelSample input)
    {
        _primed = true;

        // Settle each filter on the constant input: 4000 steps are over ten time constants of the
        // slowest design used (0.1 Hz at 1000 Hz). It runs once per reset, not per sample.
        for (var i = 0; i < PrimingSteps; i++)
        {
            _x.Process(input.X);
            _y.Process(input.Y);
            _z.Process(input.Z);
        }
    }

    private sealed class PassThrough : IOnlineFilter
    {
        public float Process(float input) => input;

        public void Reset()
        {
        }
    }
}
