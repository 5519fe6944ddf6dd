using System.Globalization;
using System.Text.Json;
using StabilityMonitor.Influx.Query;

namespace StabilityMonitor.Influx;

/// <summary><see cref="IMeasurementStore"/> over the store's journal (<see cref="InfluxMetricStore"/>) and its InfluxQL reader.</summary>
internal sealed class InfluxMeasurementStore(InfluxMetricStore store, InfluxQueryReader reader) : IMeasurementStore
{
    private const int MaxTagValuesPerQuery = 100;

    public bool IsAvailable => reader.IsAvailable;

    public ValueTask AppendAsync(MeasurementPoint point, bool priority = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (!IsName(point.Measurement))
        {
            InfluxThrowHelper.ThrowArgument("Measurement must be 1..64 characters of [a-z0-9_].", nameof(point));
        }

        if (point.Numbers.Count + point.Texts.Count == 0)
        {
            InfluxThrowHelper.ThrowArgument("A point needs at least one field.", nameof(point));
        }

        return store.AppendMeasurementAsync(point, priority, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredMeasurement>> ReadAsync(
        string measurement, string tagKey, IReadOnlyCollection<string> tagValues, long fromMicros, long toMicros, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(measurement);
        ArgumentException.ThrowIfNullOrEmpty(tagKey);
        ArgumentNullException.ThrowIfNull(tagValues);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (!reader.IsAvailable || tagValues.Count == 0)
        {
            return [];
        }

        var points = new List<StoredMeasurement>();
        foreach (var chunk in tagValues.Distinct(StringComparer.Ordinal).Chunk(MaxTagValuesPerQuery))
        {
            string any = string.Join(" OR ", chunk.Select(v => $"{InfluxQl.Identifier(tagKey)} = {InfluxQl.Literal(v)}"));
            string q = $"SELECT * FROM {InfluxQl.Identifier(measurement)} WHERE ({any})"
                + $" AND time >= {InfluxQl.Time(fromMicros)} AND time < {InfluxQl.Time(toMicros)} ORDER BY time ASC LIMIT {limit.ToString(CultureInfo.InvariantCulture)}";
            List<InfluxQueryReader.Row> rows;
            try
            {
                rows = await reader.QueryAsync(q, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException e) when (e.Message.Contains("database not found", StringComparison.Ordinal))
            {
                // Nothing was ever written (the database is created with the first write): nothing stored.
                return [];
            }

            foreach (var row in rows)
            {
                var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
                var texts = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (column, value) in row.Cells)
                {
                    if (column == "time")
                    {
                        continue;
                    }

                    if (value.ValueKind == JsonValueKind.Number)
                    {
                        numbers[column] = value.GetDouble();
                    }
                    else if (value.ValueKind == JsonValueKind.String)
                    {
                        texts[column] = value.GetString()!;
                    }
                }

                points.Add(new StoredMeasurement(row.Time, numbers, texts));
            }
        }

        return [.. points.OrderBy(static p => p.TimeMicros).Take(limit)];
    }

    private static bool IsName(string name) =>
        name.Length is > 0 and <= 64 && name.All(static c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
