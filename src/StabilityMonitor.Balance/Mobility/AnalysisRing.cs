namespace StabilityMonitor.Balance.Mobility;

/// <summary>
/// The last seconds of the analysis-rate stream (x, y, z, magnitude in g), addressed by absolute sample index.
/// Sized once; nothing is allocated per sample.
/// </summary>
internal sealed class AnalysisRing
{
    private readonly float[] _x;
    private readonly float[] _y;
    private readonly float[] _z;
    private readonly float[] _m;

    public AnalysisRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 8);
        _x = new float[capacity];
        _y = new float[capacity];
        _z = new float[capacity];
        _m = new float[capacity];
    }

    public int Capacity => _m.Length;

    /// <summary>Absolute index the next sample gets; samples from <c>Count - Capacity</c> on are held.</summary>
    public long Count { get; private set; }

    public void Add(float x, float y, float z)
    {
        var slot = (int)(Count % _m.Length);
        _x[slot] = x;
        _y[slot] = y;
        _z[slot] = z;
        _m[slot] = MathF.Sqrt((x * x) + (y * y) + (z * z));
        Count++;
    }

    public void Clear() => Count = 0;

    /// <summary>True when sample <paramref name="index"/> is still held.</summary>
    public bool Holds(long index) => index >= 0 && index < Count && index >= Count - _m.Length;

    public float Magnitude(long index) => _m[(int)(index % _m.Length)];

    public (float X, float Y, float Z) Vector(long index)
    {
        var slot = (int)(index % _m.Length);
        return (_x[slot], _y[slot], _z[slot]);
    }
}
