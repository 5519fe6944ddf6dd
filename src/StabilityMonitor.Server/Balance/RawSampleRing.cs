using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// A device's last few minutes of raw samples, so a finished test can be scored when it is posted afterwards
/// (docs/balance.md, "Post-hoc scoring"). Samples are kept as three 16-bit integers of 0.25 mg (±8 g, enough for a
/// balance test; a fall's impact saturates, which no test scores) and each frame's start time and rate in a second
/// ring: 6 bytes a sample plus 16 bytes a frame, allocated once with the device. Nothing is allocated per frame.
/// </summary>
internal sealed class RawSampleRing
{
    private const float UnitsPerG = 4000f;

    private readonly short[] _samples;
    private readonly long[] _frameStart;
    private readonly long[] _frameFirst;
    private readonly int[] _frameRate;
    private long _written;
    private long _frames;

    /// <param name="capacity">Samples kept.</param>
    /// <param name="frames">Frame headers kept (the frames of the oldest samples are forgotten first).</param>
    public RawSampleRing(int capacity, int frames)
    {
        _samples = new short[capacity * 3];
        _frameStart = new long[frames];
        _frameFirst = new long[frames];
        _frameRate = new int[frames];
    }

    public int Capacity => _samples.Length / 3;

    /// <summary>Bytes held (for the docs' per-device figure).</summary>
    public int Bytes => (_samples.Length * sizeof(short)) + (_frameStart.Length * ((2 * sizeof(long)) + sizeof(int)));

    public void Add(in FrameHeader header, ReadOnlySpan<AccelSample> samples)
    {
        if (samples.IsEmpty || header.SampleRateHz <= 0)
        {
            return;
        }

        var f = (int)(_frames++ % _frameStart.Length);
        _frameStart[f] = header.DeviceTimeMicros;
        _frameFirst[f] = _written;
        _frameRate[f] = header.SampleRateHz;
        var capacity = Capacity;
        foreach (var s in samples)
        {
            var i = (int)(_written++ % capacity) * 3;
            _samples[i] = Quantize(s.X);
            _samples[i + 1] = Quantize(s.Y);
            _samples[i + 2] = Quantize(s.Z);
        }
    }

    /// <summary>
    /// The samples with device time in [<paramref name="fromMicros"/>, <paramref name="toMicros"/>], their rate, the
    /// time of the first and the share of the span they cover; an empty array when none is held or the rate changed.
    /// </summary>
    public (AccelSample[] Samples, int Rate, long FirstMicros, double Coverage) Extract(long fromMicros, long toMicros)
    {
        var result = new List<AccelSample>();
        var rate = 0;
        long first = 0;
        var oldestSample = Math.Max(0, _written - Capacity);
        var oldestFrame = Math.Max(0, _frames - _frameStart.Length);
        for (var n = oldestFrame; n < _frames; n++)
        {
            var f = (int)(n % _frameStart.Length);
            var next = n + 1 < _frames ? _frameFirst[(int)((n + 1) % _frameStart.Length)] : _written;
            for (var k = Math.Max(_frameFirst[f], oldestSample); k < next; k++)
            {
                var t = _frameStart[f] + ((k - _frameFirst[f]) * 1_000_000L / _frameRate[f]);
                if (t < fromMicros || t > toMicros)
                {
                    continue;
                }

                if (rate != 0 && rate != _frameRate[f])
                {
                    return ([], 0, 0, 0);
                }

                if (rate == 0)
                {
                    rate = _frameRate[f];
                    first = t;
                }

                var i = (int)(k % Capacity) * 3;
                result.Add(new AccelSample(_samples[i] / UnitsPerG, _samples[i + 1] / UnitsPerG, _samples[i + 2] / UnitsPerG));
            }
        }

        var span = (toMicros - fromMicros) / 1e6;
        var coverage = rate == 0 || span <= 0 ? 0 : Math.Min(1, result.Count / (double)rate / span);
        return ([.. result], rate, first, coverage);
    }

    private static short Quantize(float g) => (short)Math.Clamp(MathF.Round(g * UnitsPerG), short.MinValue, short.MaxValue);
}
