using StabilityMonitor.Balance.Guided;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// One device's way into the <see cref="RawSampleArchive"/>: its samples block-averaged to the analysis rate
/// (<see cref="TestSignal.AnalysisRateHz"/>; 50, 100 and 200 Hz all become 25 Hz) as the test scorer reads them, and
/// handed to the archive as one record per frame. Only the block being averaged and where the current stretch of
/// contiguous frames began are held here (a few dozen bytes a device); the samples themselves live on disk.
/// </summary>
/// <remarks>Called under the mobility table's lock; nothing allocated per frame (the kept samples go on the stack).</remarks>
internal sealed class RawSampleWriter(string deviceId, RawSampleArchive archive)
{
    /// <summary>Kept samples per archive record at most: a long frame becomes several records.</summary>
    public const int MaxPerRecord = 128;

    // The block being averaged, and where the next frame must start to continue the current stretch.
    private float _sumX;
    private float _sumY;
    private float _sumZ;
    private int _inBlock;
    private int _factor;
    private int _rawRate;
    private int _keptRate;
    private long _nextFrameMicros = long.MinValue;

    // Kept samples are stamped from the stretch's start and their count in it (as the in-memory ring did), not from
    // each frame's own stamp: device clocks stamp frames with jitter, and the scorer wants an even rate.
    private long _stretchStart;
    private long _keptInStretch;

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
            _keptRate = rate / factor;
            _inBlock = 0;
            _sumX = _sumY = _sumZ = 0;
            _stretchStart = header.DeviceTimeMicros;
            _keptInStretch = 0;
        }

        _nextFrameMicros = header.EndTimeMicros;
        Span<short> kept = stackalloc short[MaxPerRecord * 3];
        var n = 0;
        var firstKept = _keptInStretch;
        foreach (var sample in samples)
        {
            _sumX += sample.X;
            _sumY += sample.Y;
            _sumZ += sample.Z;
            if (++_inBlock < _factor)
            {
                continue;
            }

            kept[n * 3] = Quantize(_sumX / _factor);
            kept[(n * 3) + 1] = Quantize(_sumY / _factor);
            kept[(n * 3) + 2] = Quantize(_sumZ / _factor);
            _inBlock = 0;
            _sumX = _sumY = _sumZ = 0;
            _keptInStretch++;
            if (++n == MaxPerRecord)
            {
                Emit(firstKept, kept);
                n = 0;
                firstKept = _keptInStretch;
            }
        }

        if (n > 0)
        {
            Emit(firstKept, kept[..(n * 3)]);
        }
    }

    private void Emit(long firstKept, ReadOnlySpan<short> kept) =>
        archive.Append(deviceId, _stretchStart + (firstKept * 1_000_000L / _keptRate), _keptRate, kept);

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

    private static short Quantize(float g) => (short)Math.Clamp(MathF.Round(g * RawSampleRecord.UnitsPerG), short.MinValue, short.MaxValue);
}
