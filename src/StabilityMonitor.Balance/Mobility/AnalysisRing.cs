namespace StabilityMonitor.Balance.Mobility;

/// <summary>
/// The last seconds of the analysis-rate stream (x, y, z in g, interleaved in one array), addressed by absolute
/// sample index. The magnitude is computed on read, with the same expression it was once stored with, so readers see
/// the same bits for a quarter less memory. Sized once; nothing is allocated per sample.
/// </summary>
internal sealed class AnalysisRing
{
    private readonly float[] _xyz;
    private readonly int _capacity;

    public AnalysisRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 8);
        _capacity = capacity;
        _xyz = new float[3 * capacity];
    }

    public int Capacity => _capacity;

    /// <summary>Absolute index the next sample gets; samples from <c>Count - Capacity</c> on are held.</summary>
    public long Count { get; private set; }

    public void Add(float x, float y, float z)
    {
        var k = 3 * (int)(Count % _capacity);
        _xyz[k] = x;
        _xyz[k + 1] = y;
        _xyz[k + 2] = z;
        Count++;
    }

    public void Clear() => Count = 0;

    /// <summary>True when sample <paramref name="index"/> is still held.</summary>
    public bool Holds(long index) => index >= 0 && index < Count && index >= Count - _capacity;

    public float Magnitude(long index)
    {
        var (x, y, z) = Vector(index);
        return MathF.Sqrt((x * x) + (y * y) + (z * z));
    }

    public (float X, float Y, float Z) Vector(long index)
    {
        var k = 3 * (int)(index % _capacity);
        return (_xyz[k], _xyz[k + 1], _xyz[k + 2]);
    }
}
