namespace StabilityMonitor.IntegrationTests.Storage;

/// <summary>The identity of a stored point (InfluxDB keeps one point per measurement, tag set and timestamp).</summary>
internal readonly record struct PointKey(string Measurement, string Device, string Kind, long TimeMicros) : IComparable<PointKey>
{
    public int CompareTo(PointKey other)
    {
        var c = string.CompareOrdinal(Measurement, other.Measurement);
        c = c != 0 ? c : string.CompareOrdinal(Device, other.Device);
        c = c != 0 ? c : string.CompareOrdinal(Kind, other.Kind);
        return c != 0 ? c : TimeMicros.CompareTo(other.TimeMicros);
    }

    public override string ToString() => $"{Measurement} {Device} {Kind} @{TimeMicros}";
}
