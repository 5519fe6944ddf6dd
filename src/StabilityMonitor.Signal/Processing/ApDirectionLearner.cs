using System.Numerics;

namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Learns a device's antero-posterior direction from the wearer's gait: while walking, the horizontal part (about the
/// upright reference) of the gravity-removed acceleration is summed as a 3 × 3 scatter in device axes; its principal
/// horizontal direction is taken as AP once enough walking has been seen and the scatter is clearly elongated, and worked
/// out again every <see cref="EstimateSeconds"/> of walking. A
/// clip worn sideways thus stops swapping AP and ML after the first walk. O(1) per sample, nothing allocated.
/// </summary>
internal struct ApDirectionLearner
{
    // After this much walking the scatter becomes an exponential average, so a device re-clipped later is followed.
    private const double MemorySeconds = 60;

    // How often the direction is worked out again while walking. Each estimate is an eigen-decomposition (square roots,
    // a division chain, atan2, cos and sin) and took a third of a walking wearable's processing at every sample. With a
    // 60 s memory the direction moves by hundredths of a degree in this time, and the processor refreshes it at the end
    // of a walk (Refresh), so the standing after a walk is projected exactly as before (docs/performance.md, eleventh
    // session).
    private const double EstimateSeconds = 0.2;

    private double _xx;
    private double _yy;
    private double _zz;
    private double _xy;
    private double _xz;
    private double _yz;
    private double _walkedSeconds;
    private Vector3 _ap;

    /// <summary>Whether a learned direction is in use (else the configured axis is).</summary>
    public bool Learned { get; private set; }

    /// <summary>Seconds of walking summed so far (since construction or the last <see cref="Clear"/>).</summary>
    public readonly double WalkedSeconds => _walkedSeconds;

    /// <summary>The direction to project as AP: the learned one, or <paramref name="configured"/> until then.</summary>
    public readonly Vector3 Axis(Vector3 configured) => Learned ? _ap : configured;

    /// <summary>Forgets everything: the horizontal plane it was summed in was wrong (the upright reference snapped).</summary>
    public void Clear() => this = default;

    /// <summary>
    /// Adds one walking sample's gravity-removed acceleration <paramref name="dynamic"/> (g) and, once
    /// <paramref name="learnSeconds"/> of walking are in, re-estimates the direction.
    /// </summary>
    public void Add(Vector3 dynamic, Vector3 up, Vector3 configured, double seconds, double learnSeconds, float minAnisotropy)
    {
        var h = dynamic - (Vector3.Dot(dynamic, up) * up);
        var before = _walkedSeconds;
        _walkedSeconds += seconds;

        // A plain mean until the memory is full, then an exponential one with that memory.
        var w = seconds / Math.Min(_walkedSeconds, Math.Max(learnSeconds, MemorySeconds));
        _xx += w * ((h.X * (double)h.X) - _xx);
        _yy += w * ((h.Y * (double)h.Y) - _yy);
        _zz += w * ((h.Z * (double)h.Z) - _zz);
        _xy += w * ((h.X * (double)h.Y) - _xy);
        _xz += w * ((h.X * (double)h.Z) - _xz);
        _yz += w * ((h.Y * (double)h.Z) - _yz);
        // At the first sample that completes the learning time, then once per EstimateSeconds of walking. Counted from the
        // walked time, which a checkpoint holds, so a restored learner estimates at the very samples the original would.
        if (_walkedSeconds >= learnSeconds
            && (before < learnSeconds || Math.Floor(_walkedSeconds / EstimateSeconds) != Math.Floor(before / EstimateSeconds)))
        {
            Estimate(up, configured, minAnisotropy);
        }
    }

    /// <summary>
    /// Works the direction out from everything added so far, as <see cref="Add"/> does at its estimating samples: for
    /// the first sample after walking, so the direction used until the next walk is the one every sample's estimate
    /// gave. Nothing changes when the last added sample was estimated already (the same scatter, plane and sign).
    /// </summary>
    public void Refresh(Vector3 up, Vector3 configured, double learnSeconds, float minAnisotropy)
    {
        if (_walkedSeconds >= learnSeconds)
        {
            Estimate(up, configured, minAnisotropy);
        }
    }

    private void Estimate(Vector3 up, Vector3 configured, float minAnisotropy)
    {
        var (major, minor, ap) = Principal(up, configured);
        if (major <= 0 || major < minAnisotropy * Math.Max(minor, 0))
        {
            // Round gait or none: nothing to tell AP from ML by. A direction learned before stays.
            return;
        }

        // Forward and backward cannot be told apart, and no sway metric needs to: keep the sign nearest to the AP in
        // use, so the AP trace never jumps by a sign change.
        _ap = Vector3.Dot(ap, Learned ? _ap : Horizontal(configured, up)) < 0 ? -ap : ap;
        Learned = true;
    }

    /// <summary>
    /// The scatter seen in the horizontal plane of <paramref name="up"/>: its larger and smaller variance (g²) and the
    /// unit direction of the larger (either sign).
    /// </summary>
    public readonly (double Major, double Minor, Vector3 Direction) Principal(Vector3 up, Vector3 configured)
    {
        // In the basis (configured AP made horizontal, up × it).
        var e1 = Horizontal(configured, up);
        var e2 = Vector3.Cross(up, e1);
        var m11 = Quadratic(e1, e1);
        var m22 = Quadratic(e2, e2);
        var m12 = Quadratic(e1, e2);
        var half = (m11 + m22) / 2;
        var spread = Math.Sqrt((((m11 - m22) / 2) * ((m11 - m22) / 2)) + (m12 * m12));
        var angle = 0.5 * Math.Atan2(2 * m12, m11 - m22);
        var direction = Vector3.Normalize(((float)Math.Cos(angle) * e1) + ((float)Math.Sin(angle) * e2));
        return (half + spread, half - spread, direction);
    }

    private readonly double Quadratic(Vector3 a, Vector3 b) =>
        (a.X * ((_xx * b.X) + (_xy * b.Y) + (_xz * b.Z)))
        + (a.Y * ((_xy * b.X) + (_yy * b.Y) + (_yz * b.Z)))
        + (a.Z * ((_xz * b.X) + (_yz * b.Y) + (_zz * b.Z)));

    /// <summary>The unit horizontal direction nearest <paramref name="axis"/>; device X turned horizontal if it is vertical.</summary>
    public static Vector3 Horizontal(Vector3 axis, Vector3 up)
    {
        var h = axis - (Vector3.Dot(axis, up) * up);
        return h.LengthSquared() > 1e-6f ? Vector3.Normalize(h) : Vector3.Normalize(Vector3.Cross(up, Vector3.UnitX));
    }

    public readonly void WriteState(BinaryWriter writer)
    {
        writer.Write(_xx);
        writer.Write(_yy);
        writer.Write(_zz);
        writer.Write(_xy);
        writer.Write(_xz);
        writer.Write(_yz);
        writer.Write(_walkedSeconds);
        StateBinary.Write(writer, _ap);
        writer.Write(Learned);
    }

    public static ApDirectionLearner ReadState(BinaryReader reader)
    {
        var learner = new ApDirectionLearner
        {
            _xx = reader.ReadDouble(),
            _yy = reader.ReadDouble(),
            _zz = reader.ReadDouble(),
            _xy = reader.ReadDouble(),
            _xz = reader.ReadDouble(),
            _yz = reader.ReadDouble(),
            _walkedSeconds = reader.ReadDouble(),
            _ap = StateBinary.ReadVector3(reader),
            Learned = StateBinary.ReadBoolean(reader),
        };
        if (!(learner._walkedSeconds >= 0) || (learner.Learned && !(Math.Abs(learner._ap.Length() - 1) < 1e-3f)))
        {
            ThrowHelper.ThrowInvalidData("State has a learned AP direction that is not a unit vector, or negative walking time.");
        }

        return learner;
    }
}
