using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Synthetic;

/// <summary>
/// Builds analytic accelerometer streams for tests: the device worn with Y vertical (reads +1 g
/// upright, like SisFall's unit flipped), Z antero-posterior, X medio-lateral.
/// </summary>
internal sealed class SyntheticStream
{
    private readonly List<AccelSample> _samples = new();
    private readonly Random _random;

    public SyntheticStream(int rateHz, int seed = 7)
    {
        Rate = rateHz;
        _random = new Random(seed);
    }

    public int Rate { get; }

    public IReadOnlyList<AccelSample> Samples => _samples;

    public double Seconds => _samples.Count / (double)Rate;

    /// <summary>Quiet standing: gravity on Y with small sway noise (g).</summary>
    public SyntheticStream Stand(double seconds, double swayG = 0.005)
    {
        for (var i = 0; i < N(seconds); i++)
        {
            Add(Noise(swayG), 1 + Noise(swayG / 2), Noise(swayG));
        }

        return this;
    }

    /// <summary>Walking at about 1.9 steps/s: vertical and AP oscillation.</summary>
    public SyntheticStream Walk(double seconds, double verticalG = 0.35, double apG = 0.2)
    {
        var start = _samples.Count;
        for (var i = 0; i < N(seconds); i++)
        {
            var t = (start + i) / (double)Rate;
            var phase = 2 * Math.PI * 1.9 * t;
            Add(0.08 * Math.Sin(phase / 2) + Noise(0.02), 1 + (verticalG * Math.Sin(phase)) + Noise(0.03), apG * Math.Cos(phase) + Noise(0.03));
        }

        return this;
    }

    /// <summary>A stumble: a sharp mostly horizontal jolt with a vertical component, over <paramref name="ms"/>.</summary>
    public SyntheticStream Stumble(double peakHorizontalG = 3.5, double peakVerticalG = 1.8, double ms = 160)
    {
        var n = Math.Max(2, N(ms / 1000));
        for (var i = 0; i < n; i++)
        {
            var w = Math.Sin(Math.PI * (i + 0.5) / n);
            Add(0.3 * w, 1 + (peakVerticalG * w), peakHorizontalG * w);
        }

        return this;
    }

    /// <summary>A fall: a short free-fall dip, an impact, then lying on the back (gravity on Z), still.</summary>
    public SyntheticStream Fall(double impactG = 4.0, double lyingSeconds = 10)
    {
        for (var i = 0; i < N(0.4); i++)
        {
            var w = i / (double)N(0.4);
            Add(Noise(0.05), 1 - (0.7 * w), 0.3 * w);
        }

        var impact = Math.Max(2, N(0.08));
        for (var i = 0; i < impact; i++)
        {
            var w = Math.Sin(Math.PI * (i + 0.5) / impact);
            Add(0.2 * w, 0.3 + (0.5 * impactG * w), impactG * w);
        }

        for (var i = 0; i < N(lyingSeconds); i++)
        {
            Add(Noise(0.004), Noise(0.004), 1 + Noise(0.004));
        }

        return this;
    }

    /// <summary>Quiet standing with larger sway, as an unsteady wearer.</summary>
    public SyntheticStream SwayingStand(double seconds, double amplitudeG, double frequencyHz = 0.6)
    {
        var start = _samples.Count;
        for (var i = 0; i < N(seconds); i++)
        {
            var t = (start + i) / (double)Rate;
            Add((amplitudeG * 0.6 * Math.Sin(2 * Math.PI * frequencyHz * 1.3 * t)) + Noise(0.003), 1 + Noise(0.002), (amplitudeG * Math.Sin(2 * Math.PI * frequencyHz * t)) + Noise(0.003));
        }

        return this;
    }

    /// <summary>Appends samples as given.</summary>
    public SyntheticStream Append(IEnumerable<AccelSample> samples)
    {
        _samples.AddRange(samples);
        return this;
    }

    /// <summary>Feeds the stream to a processor in frames, as a wearable would send it.</summary>
    public RecordingSink Run(DeviceProcessor processor, int frameSize = 0, long startMicros = 1_700_000_000_000_000)
    {
        var sink = new RecordingSink();
        Feed(processor, sink, frameSize, startMicros, 0);
        return sink;
    }

    public void Feed(DeviceProcessor processor, IProcessorSink sink, int frameSize, long startMicros, uint firstSequence, int from = 0, int count = -1)
    {
        frameSize = frameSize > 0 ? frameSize : Math.Max(1, Rate / 2);
        var samples = _samples.ToArray();
        count = count < 0 ? samples.Length - from : count;
        var seq = firstSequence;
        for (var off = from; off < from + count; off += frameSize)
        {
            var n = Math.Min(frameSize, from + count - off);
            var header = new FrameHeader((ushort)Rate, 16, (ushort)n, seq++, startMicros + ((off - from) * 1_000_000L / Rate));
            processor.Process(header, samples.AsSpan(off, n), sink);
        }
    }

    private int N(double seconds) => (int)Math.Round(seconds * Rate);

    private double Noise(double sigma)
    {
        // Box-Muller: Gaussian noise from the seeded generator keeps runs reproducible.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private void Add(double x, double y, double z) => _samples.Add(new AccelSample((float)x, (float)y, (float)z));
}

internal sealed class RecordingSink : IProcessorSink
{
    public List<StabilityEvent> Events { get; } = new();

    public List<SwayMetrics> Windows { get; } = new();

    public IEnumerable<StabilityEvent> Alarms => Events.Where(static e => e.Kind is EventKind.Fall or EventKind.NearFall);

    public void OnEvent(in StabilityEvent stabilityEvent) => Events.Add(stabilityEvent);

    public void OnWindow(in SwayMetrics metrics) => Windows.Add(metrics);
}
