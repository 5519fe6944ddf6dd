namespace StabilityMonitor.Influx.LineProtocol;

/// <summary>A <see cref="MeasurementPoint"/> waiting to be formatted: tags and fields in ordinal key order, as the server prefers.</summary>
internal readonly struct PendingMeasurement(MeasurementPoint point) : IPendingPoint
{
    public int Write(Span<byte> destination)
    {
        var w = new LineProtocolWriter(destination);
        w.Measurement(point.Measurement);
        var tags = new List<KeyValuePair<string, string>>(point.Tags.Count + 2)
        {
            new(PointFormatter.DeviceTag, point.DeviceId),
            new(PointFormatter.FacilityTag, point.Facility),
        };
        tags.AddRange(point.Tags);
        tags.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (key, value) in tags)
        {
            w.Tag(key, value);
        }

        var fields = new List<(string Key, double Number, string? Text)>(point.Numbers.Count + point.Texts.Count);
        fields.AddRange(point.Numbers.Where(static n => double.IsFinite(n.Value)).Select(static n => (n.Key, n.Value, (string?)null)));
        fields.AddRange(point.Texts.Select(static t => (t.Key, 0d, (string?)t.Value)));
        fields.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (key, number, text) in fields)
        {
            if (text is null)
            {
                w.Field(key, number);
            }
            else
            {
                w.Field(key, text);
            }
        }

        w.Timestamp(point.TimeMicros);
        return w.Overflowed ? -1 : w.Length;
    }
}
