using System.Numerics;

namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Tells sitting from standing by following the transitions between them, as the balance module's mobility tracker
/// does (docs/balance.md, "Sit-to-stand and stand-to-sit transitions"; docs/signal-core.md, "Sitting or standing"):
/// the stream is block-averaged to about 25 Hz; between two rests at most 6 s apart the sensor's height change is
/// double-integrated with a zero-velocity update at both rests; a drop of ≥ 0.15 m into a rest that is not bent
/// forward, with no steps during it, is sitting down, a rise of ≥ 0.15 m from sitting is standing up; sustained walking is standing; coming up
/// from ≥ 10 s of lying is sitting. The state survives gaps and rate changes; the signal history does not.
/// The history it looks back over (8 s of block means) is the processor's raw ring, averaged block by block as it
/// is read, with the very float operations the blocks were averaged with as they came: the same values as a history
/// of its own, without one. Nothing is allocated per sample.
/// </summary>
internal sealed class SeatTracker
{
    private const int AnalysisRateHz = 25;
    private const double RestSeconds = 0.5;
    private const double RestConfirmSeconds = 0.5;
    private const double MaxRestTurnDeg = 3;
    private const float RestStdG = 0.02f;
    private const float MinTransitionHeightM = 0.15f;
    private const double MaxTransitionSeconds = 6;
    private const float MaxSittingPitchDeg = 20f;
    private const double HistorySeconds = 8;

    // Written since format 6 without its history (the processor's raw ring holds it); before, three float arrays.
    private const ushort RawHistoryVersion = 6;
    private const double LyingSecondsBeforeSitting = 10;
    private const double WalkingSecondsForStanding = 2;
    private const float StandardGravity = 9.80665f;

    // The turn limit as a cosine: the rest test compares cosines rather than taking an arccosine per sample.
    private static readonly double s_cosMaxRestTurn = Math.Cos(MaxRestTurnDeg * Math.PI / 180);

    private int _rate;
    private int _factor;
    private float _analysisRate;
    private int _restSamples;
    private int _restConfirmSamples;
    // The processor's raw ring for the current rate; analysis sample i is the mean of its samples from
    // _rawOrigin + i × factor on (the origin is 0 from a segment's start, later for a tracker begun mid-segment from a
    // state that had none). _count: analysis samples so far; _capacity: how many of them are looked back over.
    private SampleRing? _raw;
    private long _rawOrigin;
    private long _count;
    private int _capacity;

    private float _blockX;
    private float _blockY;
    private float _blockZ;
    private int _blockCount;

    private double _restSum;
    private double _restSum2;
    private double _restX;
    private double _restY;
    private double _restZ;
    private double _previousX;
    private double _previousY;
    private double _previousZ;
    private int _restRun;
    private long _restEndIndex = -1;
    private float _restEndPitch;

    // Analysis sample at which the gait detector last called walking (−1: not this segment).
    private long _lastWalkingIndex = -1;

    // Raw samples lying, and walking, in a row (they survive a gap: a gap does not make the wearer stand up).
    private long _lyingSamples;
    private long _walkingSamples;

    /// <summary>0 unknown, 1 standing, 2 sitting, 3 lowered with the trunk bent forward (squat, bending: standing).</summary>
    private byte _state;

    public SitStand Position => _state switch
    {
        StateSitting => SitStand.Sitting,
        StateStanding or StateLowered => SitStand.Standing,
        _ => SitStand.Unknown,
    };

    private const byte StateUnknown = 0;
    private const byte StateStanding = 1;
    private const byte StateSitting = 2;
    private const byte StateLowered = 3;

    private static int BlocksLookedBack(float analysisRate) => (int)Math.Ceiling(HistorySeconds * analysisRate);

    /// <summary>Raw samples of a <paramref name="rate"/> stream the processor's ring must hold for the look-back.</summary>
    public static int RawSamplesNeeded(int rate)
    {
        var factor = Math.Max(1, rate / AnalysisRateHz);
        return (BlocksLookedBack(rate / (float)factor) + 1) * factor;
    }

    /// <summary>
    /// Takes <paramref name="rate"/> and the processor's raw ring for it (holding at least <see cref="RawSamplesNeeded"/>),
    /// and forgets the signal (not the state).
    /// </summary>
    public void Configure(int rate, SampleRing raw)
    {
        if (raw.Capacity < RawSamplesNeeded(rate))
        {
            throw new ArgumentException($"The raw ring holds {raw.Capacity} samples; sitting/standing looks back over {RawSamplesNeeded(rate)}.", nameof(raw));
        }

        _rate = rate;
        _factor = Math.Max(1, rate / AnalysisRateHz);
        _analysisRate = rate / (float)_factor;
        _restSamples = Math.Max(3, (int)Math.Round(RestSeconds * _analysisRate));
        _restConfirmSamples = Math.Max(1, (int)Math.Round(RestConfirmSeconds * _analysisRate));
        _capacity = BlocksLookedBack(_analysisRate);
        _raw = raw;
        ResetSignal();
    }

    /// <summary>Forgets the signal history, as after a gap; sitting or standing is kept.</summary>
    public void ResetSignal()
    {
        _count = 0;
        _rawOrigin = _raw?.Count ?? 0;
        _blockX = _blockY = _blockZ = 0;
        _blockCount = 0;
        _restSum = _restSum2 = _restX = _restY = _restZ = _previousX = _previousY = _previousZ = 0;
        _restRun = 0;
        _restEndIndex = -1;
        _restEndPitch = 0;
        _lastWalkingIndex = -1;
    }

    /// <summary>One raw sample, with what the processor knows at it.</summary>
    /// <param name="sample">The acceleration, g.</param>
    /// <param name="upright">The upright reference (unit vector), or null before it is settled.</param>
    /// <param name="forward">The configured antero-posterior device axis (unit vector).</param>
    /// <param name="walking">Whether the gait detector calls walking.</param>
    /// <param name="lying">Whether the tilt posture is lying.</param>
    /// <param name="lyingDeg">The tilt from upright that is lying, degrees.</param>
    public void Add(in AccelSample sample, Vector3? upright, Vector3 forward, bool walking, bool lying, float lyingDeg)
    {
        _walkingSamples = walking ? _walkingSamples + 1 : 0;
        if (_walkingSamples >= WalkingSecondsForStanding * _rate)
        {
            _state = StateStanding;
            _lyingSamples = 0;
        }
        else if (lying)
        {
            _lyingSamples++;
        }
        else
        {
            if (_lyingSamples >= LyingSecondsBeforeSitting * _rate)
            {
                // Up from lying without walking: sitting up (bed edge) until a rise or walking says otherwise.
                _state = StateSitting;
            }

            _lyingSamples = 0;
        }

        if (walking)
        {
            _lastWalkingIndex = _count;
        }

        _blockX += sample.X;
        _blockY += sample.Y;
        _blockZ += sample.Z;
        if (++_blockCount == _factor)
        {
            AddAnalysisSample(_blockX / _factor, _blockY / _factor, _blockZ / _factor, upright, forward, lyingDeg);
            _blockX = _blockY = _blockZ = 0;
            _blockCount = 0;
        }
    }

    private void AddAnalysisSample(float x, float y, float z, Vector3? upright, Vector3 forward, float lyingDeg)
    {
        // Sample i is (x, y, z): the very values Vector(i) reads back from the ring, whose magnitude is taken the same way.
        var i = _count++;
        var m = MathF.Sqrt((x * x) + (y * y) + (z * z));

        _restSum += m;
        _restSum2 += m * m;
        _restX += x;
        _restY += y;
        _restZ += z;
        var k = _restSamples;
        if (i >= k)
        {
            var old = Magnitude(i - k);
            var (ox, oy, oz) = Vector(i - k);
            _restSum -= old;
            _restSum2 -= old * old;
            _restX -= ox;
            _restY -= oy;
            _restZ -= oz;
            _previousX += ox;
            _previousY += oy;
            _previousZ += oz;
        }

        if (i >= 2 * k)
        {
            var (ox, oy, oz) = Vector(i - (2 * k));
            _previousX -= ox;
            _previousY -= oy;
            _previousZ -= oz;
        }

        if (i < k - 1)
        {
            return;
        }

        var mean = _restSum / k;
        var std = Math.Sqrt(Math.Max(0, (_restSum2 / k) - (mean * mean)));

        // A rest is quiet and not turning (a slow rise keeps the magnitude smooth but still rotates the trunk),
        // and counts once it has lasted RestConfirmSeconds beyond its first window.
        var turning = i >= (2 * k) - 1 && TurnsMoreThan(_restX, _restY, _restZ, _previousX, _previousY, _previousZ, s_cosMaxRestTurn);
        _restRun = std < RestStdG && !turning ? _restRun + 1 : 0;
        if (_restRun < _restConfirmSamples)
        {
            return;
        }

        var rest = new Vector3((float)(_restX / k), (float)(_restY / k), (float)(_restZ / k));
        var pitch = upright is { } up ? ForwardPitch(rest, up, forward) : 0f;
        if (_restRun == _restConfirmSamples && upright is { } u)
        {
            OnRestOnset(i - _restConfirmSamples + 1, i, AngleDeg(rest, u), pitch, lyingDeg);
        }

        _restEndIndex = i;
        _restEndPitch = pitch;
    }

    /// <param name="index">First sample whose quiet window begins the rest.</param>
    /// <param name="now">The sample that confirmed the rest (the newest).</param>
    /// <param name="inclination">The rest's tilt from upright, degrees.</param>
    /// <param name="pitch">The rest's forward pitch, degrees.</param>
    /// <param name="lyingDeg">The tilt that is lying, degrees.</param>
    private void OnRestOnset(long index, long now, float inclination, float pitch, float lyingDeg)
    {
        if (_restEndIndex < 0)
        {
            return;
        }

        var movementStart = _restEndIndex;
        var movementEnd = index - _restSamples + 1;
        var from = movementStart - (_restSamples / 2);
        if (movementEnd - movementStart > MaxTransitionSeconds * _analysisRate || !Holds(from))
        {
            return;
        }

        // Only the change the state allows is looked for: sitting down when not sitting, rising when sitting.
        if (_state != StateSitting)
        {
            // Steps during the descent make it stairs or a walk downhill, not a sit-down (SisFall D06 otherwise).
            if (_lastWalkingIndex >= from)
            {
                return;
            }

            var drop = HeightChange(from, now + 1, projected: true);
            if (drop > -MinTransitionHeightM || inclination >= lyingDeg)
            {
                return;
            }

            _state = pitch > MaxSittingPitchDeg ? StateLowered : StateSitting;
            return;
        }

        if (HeightChange(from, now + 1, projected: false) >= MinTransitionHeightM)
        {
            _state = StateStanding;
        }
    }

    /// <summary>
    /// Height change of the sensor over analysis samples [<paramref name="from"/>, <paramref name="to"/>), m (up
    /// positive), with a zero-velocity update at both ends (both are rests). Projected: the acceleration along the
    /// centred 1 s mean of the vector (finds more sit-downs); else the magnitude minus 1 g (finds more rises).
    /// </summary>
    private float HeightChange(long from, long to, bool projected)
    {
        var dt = 1f / _analysisRate;
        var n = to - from;
        if (n < 2)
        {
            return 0;
        }

        var half = Math.Max(1, (int)(0.5f * _analysisRate));
        var velocity = 0.0;
        for (var i = from; i < to; i++)
        {
            velocity += Vertical(i, from, to, half, projected) * StandardGravity * dt;
        }

        var bias = velocity / (n * dt);
        velocity = 0;
        var height = 0.0;
        for (var i = from; i < to; i++)
        {
            velocity += ((Vertical(i, from, to, half, projected) * StandardGravity) - bias) * dt;
            height += velocity * dt;
        }

        return (float)height;
    }

    private double Vertical(long i, long from, long to, int half, bool projected)
    {
        if (!projected)
        {
            return Magnitude(i) - 1.0;
        }

        double gx = 0, gy = 0, gz = 0;
        for (var j = Math.Max(from, i - half); j < Math.Min(to, i + half + 1); j++)
        {
            var (x, y, z) = Vector(j);
            gx += x;
            gy += y;
            gz += z;
        }

        var norm = Math.Sqrt((gx * gx) + (gy * gy) + (gz * gz));
        var (vx, vy, vz) = Vector(i);
        return norm <= 0 ? 0 : ((((vx * gx) + (vy * gy) + (vz * gz)) / norm) - 1.0);
    }

    /// <summary>Forward pitch of the trunk from upright, degrees (backward negative), about the medio-lateral axis.</summary>
    private static float ForwardPitch(Vector3 g, Vector3 up, Vector3 forward)
    {
        var ap = forward - (Vector3.Dot(forward, up) * up);
        var n = ap.Length();
        if (n < 0.3f)
        {
            return 0;
        }

        // Leaning forward tips the forward axis down, so gravity's reading along it falls.
        var f = -Vector3.Dot(g, ap) / n;
        return MathF.Atan2(f, Vector3.Dot(g, up)) * (180f / MathF.PI);
    }

    private static float AngleDeg(Vector3 a, Vector3 b) => (float)AngleDeg(a.X, a.Y, a.Z, b.X, b.Y, b.Z);

    private static double AngleDeg(double ax, double ay, double az, double bx, double by, double bz)
    {
        var norms = Math.Sqrt(((ax * ax) + (ay * ay) + (az * az)) * ((bx * bx) + (by * by) + (bz * bz)));
        return norms <= 0 ? 0 : Math.Acos(Math.Clamp(((ax * bx) + (ay * by) + (az * bz)) / norms, -1, 1)) * (180 / Math.PI);
    }

    /// <summary>
    /// Whether the angle between a and b exceeds the one whose cosine is <paramref name="cosLimit"/> (a zero vector
    /// turns by nothing). The same test as comparing <see cref="AngleDeg(double, double, double, double, double, double)"/>,
    /// up to the last bit of rounding.
    /// </summary>
    private static bool TurnsMoreThan(double ax, double ay, double az, double bx, double by, double bz, double cosLimit)
    {
        var norms = Math.Sqrt(((ax * ax) + (ay * ay) + (az * az)) * ((bx * bx) + (by * by) + (bz * bz)));
        return norms > 0 && ((ax * bx) + (ay * by) + (az * bz)) / norms < cosLimit;
    }

    private bool Holds(long i) => i >= 0 && i < _count && i >= _count - _capacity && _rawOrigin + (i * _factor) >= _raw!.OldestIndex;

    // The block's mean as Add averaged it: summed in order from 0, then divided.
    private (float X, float Y, float Z) Vector(long i)
    {
        var raw = _raw!;
        var start = _rawOrigin + (i * _factor);
        float x = 0, y = 0, z = 0;
        for (var j = 0; j < _factor; j++)
        {
            var sample = raw.At(start + j);
            x += sample.X;
            y += sample.Y;
            z += sample.Z;
        }

        return (x / _factor, y / _factor, z / _factor);
    }

    private float Magnitude(long i)
    {
        var (x, y, z) = Vector(i);
        return MathF.Sqrt((x * x) + (y * y) + (z * z));
    }

    public void WriteState(BinaryWriter w)
    {
        w.Write(_state);
        w.Write(_lyingSamples);
        w.Write(_walkingSamples);
        w.Write(_rate);
        if (_rate == 0)
        {
            return;
        }

        // The history is the processor's raw ring, written with it.
        w.Write(_count);
        w.Write(_blockX);
        w.Write(_blockY);
        w.Write(_blockZ);
        w.Write(_blockCount);
        w.Write(_restSum);
        w.Write(_restSum2);
        w.Write(_restX);
        w.Write(_restY);
        w.Write(_restZ);
        w.Write(_previousX);
        w.Write(_previousY);
        w.Write(_previousZ);
        w.Write(_restRun);
        w.Write(_restEndIndex);
        w.Write(_restEndPitch);
        w.Write(_lastWalkingIndex);
    }

    /// <summary>
    /// Reads a state written by <see cref="WriteState"/> (processor state <paramref name="version"/>); its rate must be the
    /// processor's, whose restored raw ring is <paramref name="raw"/>. A state from before version 6 carried its own
    /// history: it is read past, and the tracker looks back over what the raw ring holds of it (the detector's 7 s).
    /// </summary>
    public static SeatTracker ReadState(BinaryReader r, int processorRate, SampleRing? raw, ushort version)
    {
        var state = r.ReadByte();
        if (state > StateLowered)
        {
            ThrowHelper.ThrowInvalidData($"Sitting/standing state {state} is not one this build knows.");
        }

        var t = new SeatTracker
        {
            _state = state,
            _lyingSamples = StateBinary.ReadInRange(r, 0, long.MaxValue, "the samples lying"),
            _walkingSamples = StateBinary.ReadInRange(r, 0, long.MaxValue, "the samples walking"),
        };
        var rate = StateBinary.ReadInRange(r, 0, ushort.MaxValue, "the sitting/standing tracker's rate");
        if (rate != processorRate)
        {
            ThrowHelper.ThrowInvalidData($"The sitting/standing tracker's rate {rate} is not the processor's {processorRate}.");
        }

        if (rate == 0)
        {
            return t;
        }

        if (raw is null)
        {
            ThrowHelper.ThrowInvalidData("A sitting/standing history is stored for a processor that has seen no sample.");
        }

        t.Configure(rate, raw);
        var count = StateBinary.ReadInRange(r, 0, long.MaxValue, "the sitting/standing tracker's samples");
        if (version < RawHistoryVersion)
        {
            var skipped = new float[t._capacity];
            for (var axis = 0; axis < 3; axis++)
            {
                StateBinary.ReadInto(r, skipped, "the sitting/standing history");
            }
        }

        t._blockX = r.ReadSingle();
        t._blockY = r.ReadSingle();
        t._blockZ = r.ReadSingle();
        t._blockCount = StateBinary.ReadInRange(r, 0, t._factor - 1, "the sitting/standing block");
        t._restSum = r.ReadDouble();
        t._restSum2 = r.ReadDouble();
        t._restX = r.ReadDouble();
        t._restY = r.ReadDouble();
        t._restZ = r.ReadDouble();
        t._previousX = r.ReadDouble();
        t._previousY = r.ReadDouble();
        t._previousZ = r.ReadDouble();
        t._restRun = StateBinary.ReadInRange(r, 0, int.MaxValue, "the rest run");
        t._restEndIndex = StateBinary.ReadInRange(r, -1, long.MaxValue, "the rest's end");
        t._restEndPitch = r.ReadSingle();
        t._lastWalkingIndex = StateBinary.ReadInRange(r, -1, long.MaxValue, "the last walking sample");
        var origin = raw.Count - ((count * t._factor) + t._blockCount);
        if (count > raw.Count || origin < 0)
        {
            ThrowHelper.ThrowInvalidData($"The sitting/standing tracker's {count} blocks and {t._blockCount} samples are more than the raw ring's {raw.Count} samples.");
        }

        t._count = count;
        t._rawOrigin = origin;
        return t;
    }
}
