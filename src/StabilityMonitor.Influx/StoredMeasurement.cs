namespace StabilityMonitor.Influx;

/// <summary>A point read back by <see cref="IMeasurementStore.ReadAsync"/>: tags and string fields as texts, the rest as numbers.</summary>
/// <param name="TimeMicros">The point's timestamp, Unix microseconds.</param>
/// <param name="Numbers">Numeric fields by name.</param>
/// <param name="Texts">Tags and string fields by name.</param>
public sealed record StoredMeasurement(long TimeMicros, IReadOnlyDictionary<string, double> Numbers, IReadOnlyDictionary<string, string> Texts);
