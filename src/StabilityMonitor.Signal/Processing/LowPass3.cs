using System.Collections.Concurrent;
using NWaves.Filters.Base;
using NWaves.Filters.Fda;
using ButterworthLowPass = NWaves.Filters.Butterworth.LowPassFilter;

namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// One streaming Butterworth low-pass per axis, designed for the stream's sample rate.
/// Orders above 2 run as second-order sections: direct-form float coefficients of a high-order
/// low-cutoff design lose precision. NWaves designs the filters; the sections are held here
/// (<see cref="ZiSection"/>, <see cref="SosChain"/>) so that their state can be checkpointed.
/// </summary>
internal sealed class LowPass3
{
    private readonly IStatefulFilter _x;
    private readonly IStatefulFilter _y;
    private readonly IStatefulFilter _z;

    // Designs are immutable once made and the same for every device at a rate: shared, a device holds only its
    // coefficients and delay lines (~2.4 KB a device less, and no Butterworth design per new device). Bounded:
    // rates come from wearables, and a hostile one could announce every rate the codec allows.
    private const int MaxCachedDesigns = 64;
    private static readonly ConcurrentDictionary<(double Normalized, int Order), TransferFunction[]> s_designs = new();

    private bool _primed;

    public LowPass3(double cutoffHz, int sampleRateHz, int order)
    {
        _x = Create(cutoffHz, sampleRateHz, order);
        _y = Create(cutoffHz, sampleRateHz, order);
        _z = Create(cutoffHz, sampleRateHz, order);
    }

    public static IStatefulFilter Create(double cutoffHz, int sampleRateHz, int order)
    {
        // Cutoff at or above Nyquist: the stream is already band-limited there; pass it through.
        var normalized = cutoffHz / sampleRateHz;
        if (normalized >= 0.45)
        {
            return new PassThrough();
        }

        var design = Design(normalized, order);
        return order <= 2 ? new ZiSection(design[0]) : new SosChain(design);
    }

    /// <summary>The whole filter (order 2 or less) or its second-order sections.</summary>
    private static TransferFunction[] Design(double normalized, int order)
    {
        if (s_designs.TryGetValue((normalized, order), out var design))
        {
            return design;
        }

        var tf = new ButterworthLowPass(normalized, order).Tf;
        design = order <= 2 ? [tf] : DesignFilter.TfToSos(tf);
        if (s_designs.Count < MaxCachedDesigns)
        {
            s_designs.TryAdd((normalized, order), design);
        }

        return design;
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

    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_primed);
        _x.WriteState(writer);
        _y.WriteState(writer);
        _z.WriteState(writer);
    }

    /// <summary>Restores a state written by a <see cref="LowPass3"/> of the same design.</summary>
    public void ReadState(BinaryReader reader)
    {
        _primed = StateBinary.ReadBoolean(reader);
        _x.ReadState(reader);
        _y.ReadState(reader);
        _z.ReadState(reader);
    }

    private void Prime(in AccelSample input)
    {
        _primed = true;

        // Each filter in its steady state for the constant input, solved: running it there took 4,000 steps per axis
        // (ten time constants of the slowest design), about half a millisecond per new wearable, which a start with
        // thousands of them paid in seconds of backlog (docs/performance.md, seventh session).
        _x.Settle(input.X);
        _y.Settle(input.Y);
        _z.Settle(input.Z);
    }

    private sealed class PassThrough : IStatefulFilter
    {
        public float Process(float input) => input;

        public float Settle(float input) => input;

        public void Reset()
        {
        }

        public void WriteState(BinaryWriter writer)
        {
        }

        public void ReadState(BinaryReader reader)
        {
        }
    }
}
