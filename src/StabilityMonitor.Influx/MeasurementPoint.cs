namespace StabilityMonitor.Influx;

/// <summary>
/// A point of a measurement kept by another feature (balance: <c>mobility_day</c>, <c>balance_test</c>), tagged with
/// facility and device like every point, plus its own tags and fields. Numbers are stored as floats at full double
/// precision, texts as string fields.
/// </summary>
/// <param name="Measurement">1..64 characters of <c>[a-z0-9_]</c>.</param>
/// <param name="Facility">Facility tag, 1..64 characters.</param>
/// <param name="DeviceId">Device tag, 1..64 characters.</param>
/// <param name="Tags">Further tags (low cardinality: kind names, not ids).</param>
/// <param name="Numbers">Numeric fields; non-finite values are left out.</param>
/// <param name="Texts">String fields.</param>
/// <param name="TimeMicros">Timestamp, Unix microseconds. A point with the same tags and time replaces the earlier one.</param>
public sealed record MeasurementPoint(
    string Measurement,
    string Facility,
    string DeviceId,
    IReadOnlyList<KeyValuePair<string, string>> Tags,
    IReadOnlyList<KeyValuePair<string, double>> Numbers,
    IReadOnlyList<KeyValuePair<string, string>> Texts,
    long TimeMicros);
