using StabilityMonitor.Balance.Guided;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// A device's last few minutes of samples, so a finished test can be scored when it is posted afterwards
/// (docs/balance.md, "Post-hoc scoring"). Kept as the test scorer reads them: block-averaged to the analysis rate
/// (<see cref="TestSignal.AnalysisRateHz"/>; 50, 100 and 200 Hz all become 25 Hz), as three 16-bit integers of 0.25 mg
/// (±8 g, enough for a balance test; a fall's impact saturates, which no test scores). Time is kept per stretch of
/// contiguous frames, not per frame: 6 bytes a kept sample and a small table of stretches, allocated once with the
/// device, nothing per frame.
/// </summary>
internal sealed class RawSampleRing
{
    private const float UnitsPerG = 4000f;

    private readonly short[] _samples;
    private readonly long[] _stretchStart;
    private readonly long[] _stretchFirst;
    private readonly int[] _stretchRate;
    private long _written;
    private long _stretches;

    // The block being averaged, and where the next frame must start to continue the current stretch.
    private float _sumX;
    private float _sumY;
    private float _sumZ;
    private int _inBlock;
    private int _factor;
    private int _rawRate;
    private long _nextFrameMicros = long.MinValue;

    /// <param name="capacity">Samples kept, at the rate they are kept (<see cref="KeptRate"/>).</param>
    /// <param name="stretches">
    /// Stretches of contiguous frames remembered: a gap, a clock jump or a rate change starts a new one; beyond this many
    /// the oldest samples are forgotten with their stretch.
    /// </param>
    public RawSampleRing(int capacity, int stretches = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stretches, 1);
        _samples = new short[capacity * 3];
        _stretchStart = new long[stretches];
        _stretchFirst = new long[stretches];
        _stretchRate = new int[stretches];
    }

    public int Capacity => _samples.Length / 3;

    /// <summary>Bytes held (for the docs' per-device figure).</summary>
    public int Bytes => (_samples.Length * sizeof(short)) + (_stretchStart.Length * ((2 * sizeof(long)) + sizeof(int)));

    /// <summary>
    /// The rate samples of a device sending at <paramref name="rateHz"/> are kept at: divided by the largest whole
    /// factor that keeps it at or above the analysis rate (50 → 25, 60 → 30, 200 → 25; 30 and below as they come).
    /// </summary>
    public static int KeptRate(int rateHz) => rateHz / Factor(rateHz);

    public void Add(in FrameHeader header, ReadOnlySpan<AccelSample> samples)
    {
        var rate = header.SampleRateHz;
        if (samples.IsEmpty || rate <= 0)
        {
            return;
        }

        // A frame continues the stretch when it starts where the last one ended, to within half a kept sample (device
        // clocks stamp frames with some jitter); anything else (a gap, a replay, a new rate) starts a new stretch.
        var factor = Factor(rate);
        var halfKept = 500_000L * factor / rate;
        if (rate != _rawRate || Math.Abs(header.DeviceTimeMicros - _nextFrameMicros) > halfKept)
        {
            _rawRate = rate;
            _factor = factor;
            _inBlock = 0;
            _sumX = _sumY = _sumZ = 0;
            var s = (int)(_stretches++ % _stretchStart.Length);
            _stretchStart[s] = header.DeviceTimeMicros;
            _stretchFirst[s] = _written;
            _stretchRate[s] = rate / factor;
        }

        _nextFrameMicros = header.EndTimeMicros;
        var capacity = Capacity;
        foreach (var sample in samples)
        {
            _sumX += sample.X;
            _sumY += sample.Y;
            _sumZ += sample.Z;
            if (++_inBlock < _factor)
            {
                continue;
            }

            var i = (int)(_written++ % capacity) * 3;
            _samples[i] = Quantize(_sumX / _factor);
            _samples[i + 1] = Quantize(_sumY / _factor);
            _samples[i + 2] = Quantize(_sumZ / _factor);
            _inBlock = 0;
            _sumX = _sumY = _sumZ = 0;
        }
    }

    /// <summary>
    /// The kept samples with device time in [<paramref name="fromMicros"/>, <paramref name="toMicros"/>], the rate they
    /// are kept at, the time of the first and the share of the span they cover; an empty array when none is held or the
    /// rate changed within the span.
    /// </summary>
    public (AccelSample[] Samples, int Rate, long FirstMicros, double Coverage) Extract(long fromMicros, long toMicros)
    {
        var result = new List<AccelSample>();
        var rate = 0;
        long first = 0;
        var capacity = Capacity;
        var oldestSample = Math.Max(0, _written - capacity);
        var oldestStretch = Math.Max(0, _stretches - _stretchStart.Length);
        for (var n = oldestStretch; n < _stretches; n++)
        {
            var s = (int)(n % _stretchStart.Length);
            var next = n + 1 < _stretches ? _stretchFirst[(int)((n + 1) % _stretchStart.Length)] : _written;
            var stretchRate = _stretchRate[s];
            for (var k = Math.Max(_stretchFirst[s], oldestSample); k < next; k++)
            {
                var t = _stretchStart[s] + ((k - _stretchFirst[s]) * 1_000_000L / stretchRate);
                if (t < fromMicros || t > toMicros)
                {
                    continue;
                }

                if (rate != 0 && rate != stretchRate)
                {
                    return ([], 0, 0, 0);
                }

                if (rate == 0)
                {
                    rate = stretchRate;
                    first = t;
                }

                var i = (int)(k % capacity) * 3;
                result.Add(new AccelSample(_samples[i] / UnitsPerG, _samples[i + 1] / UnitsPerG, _samples[i + 2] / UnitsPerG));
            }
        }

        var span = (toMicros - fromMicros) / 1e6;
        var coverage = rate == 0 || span <= 0 ? 0 : Math.Min(1, result.Count / (double)rate / span);
        return ([.. result], rate, first, coverage);
    }

    private static int Factor(int rateHz)
    {
        // The largest whole divisor of the rate that keeps at least the analysis rate: block averages then fall on
        // whole samples and the kept rate is exact.
        for (var f = Math.Max(1, rateHz / TestSignal.AnalysisRateHz); f > 1; f--)
        {
            if (rateHz % f == 0)
            {
                return f;
            }
        }

        return 1;
    }

    private static short Quantize(float g) => (short)Math.Clamp(MathF.Round(g * UnitsPerG), short.MinValue, short.MaxValue);
}
