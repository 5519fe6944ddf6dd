namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Running sums over one sway window of the horizontal (AP, ML) acceleration, enough to compute
/// every metric at the window's end in O(1) memory: no sample buffer, nothing allocated.
/// </summary>
internal struct SwayAccumulator
{
    private long _n;
    private double _sumAp;
    private double _sumMl;
    private double _sumApAp;
    private double _sumMlMl;
    private double _sumApMl;
    private double _sumDAp2;
    private double _sumDMl2;
    private double _path;
    private double _tilt;
    private long _still;
    private float _prevAp;
    private float _prevMl;

    public long StartIndex { get; private set; }

    public readonly long Count => _n;

    public void Start(long startIndex)
    {
        this = default;
        StartIndex = startIndex;
    }

    /// <param name="ap">Antero-posterior acceleration, m/s².</param>
    /// <param name="ml">Medio-lateral acceleration, m/s².</param>
    /// <param name="tiltDeg">Trunk tilt from the upright reference, degrees.</param>
    /// <param name="still">Whether the sample was classified as still.</param>
    public void Add(float ap, float ml, float tiltDeg, bool still)
    {
        if (_n > 0)
        {
            var dAp = ap - _prevAp;
            var dMl = ml - _prevMl;
            _sumDAp2 += dAp * dAp;
            _sumDMl2 += dMl * dMl;
            _path += MathF.Sqrt((dAp * dAp) + (dMl * dMl));
        }

        _prevAp = ap;
        _prevMl = ml;
        _n++;
        _sumAp += ap;
        _sumMl += ml;
        _sumApAp += ap * ap;
        _sumMlMl += ml * ml;
        _sumApMl += ap * ml;
        _tilt += tiltDeg;
        if (still)
        {
            _still++;
        }
    }

    /// <summary>Fraction of the window's samples classified as still.</summary>
    public readonly double StillFraction => _n == 0 ? 0 : (double)_still / _n;

    public readonly SwayMetrics ToMetrics(long startMicros, long endMicros, int sampleRateHz, Posture posture, Activity activity, SitStand seated = SitStand.Unknown)
    {
        var n = Math.Max(1, _n);
        var meanAp = _sumAp / n;
        var meanMl = _sumMl / n;

        // Population (co)variances about the window mean: the mean holds residual gravity from the
        // tilt estimate, which is posture, not sway.
        var varAp = Math.Max(0, (_sumApAp / n) - (meanAp * meanAp));
        var varMl = Math.Max(0, (_sumMlMl / n) - (meanMl * meanMl));
        var covApMl = (_sumApMl / n) - (meanAp * meanMl);
        var diffs = Math.Max(1, _n - 1);
        var derivativeScale = (double)sampleRateHz * sampleRateHz;
        var jerkMs = (_sumDAp2 + _sumDMl2) / diffs * derivativeScale;
        var durationSeconds = _n / (double)sampleRateHz;

        // 95 % prediction ellipse of a bivariate normal: pi * chi2(0.95, 2) * sqrt(det(cov)).
        var det = Math.Max(0, (varAp * varMl) - (covApMl * covApMl));
        var ellipse = Math.PI * Chi2Df2P95 * Math.Sqrt(det);

        // Centroidal frequency by Parseval: sum f^2 P(f) / sum P(f) = E[x'^2] / (4 pi^2 E[x^2]);
        // no spectrum, so no FFT buffers per window.
        var power = varAp + varMl;
        var centroid = power > 0 ? Math.Sqrt(jerkMs / power) / (2 * Math.PI) : 0;

        return new SwayMetrics(
            startMicros,
            endMicros,
            posture,
            activity,
            (float)(_tilt / n),
            (float)Math.Sqrt(varAp),
            (float)Math.Sqrt(varMl),
            (float)Math.Sqrt(jerkMs),
            (float)(durationSeconds > 0 ? _path / durationSeconds : 0),
            (float)_path,
            (float)ellipse,
            (float)centroid,
            seated);
    }

    public readonly void WriteState(BinaryWriter writer)
    {
        writer.Write(StartIndex);
        writer.Write(_n);
        writer.Write(_sumAp);
        writer.Write(_sumMl);
        writer.Write(_sumApAp);
        writer.Write(_sumMlMl);
        writer.Write(_sumApMl);
        writer.Write(_sumDAp2);
        writer.Write(_sumDMl2);
        writer.Write(_path);
        writer.Write(_tilt);
        writer.Write(_still);
        writer.Write(_prevAp);
        writer.Write(_prevMl);
    }

    public static SwayAccumulator ReadState(BinaryReader reader)
    {
        // A window not yet started has StartIndex -1 (the second, staggered window before its first hop).
        var start = StateBinary.ReadInRange(reader, -1, long.MaxValue, "a window's start");
        var n = StateBinary.ReadInRange(reader, 0, long.MaxValue, "a window's sample count");
        return new SwayAccumulator
        {
            StartIndex = start,
            _n = n,
            _sumAp = reader.ReadDouble(),
            _sumMl = reader.ReadDouble(),
            _sumApAp = reader.ReadDouble(),
            _sumMlMl = reader.ReadDouble(),
            _sumApMl = reader.ReadDouble(),
            _sumDAp2 = reader.ReadDouble(),
            _sumDMl2 = reader.ReadDouble(),
            _path = reader.ReadDouble(),
            _tilt = reader.ReadDouble(),
            _still = StateBinary.ReadInRange(reader, 0, n, "a window's still samples"),
            _prevAp = reader.ReadSingle(),
            _prevMl = reader.ReadSingle(),
        };
    }

    private const double Chi2Df2P95 = 5.991464547107979;
}
