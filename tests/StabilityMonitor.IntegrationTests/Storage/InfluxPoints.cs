using System.Text.Json;

namespace StabilityMonitor.IntegrationTests.Storage;

/// <summary>Reads stored points back from influxd through InfluxQL <c>/query</c>, as the acceptance queries do.</summary>
internal static class InfluxPoints
{
    public const string Database = "stability";

    /// <summary>Every point of <c>events</c> (device and kind tags, timestamp).</summary>
    public static async Task<IReadOnlyList<PointKey>> EventsAsync(InfluxdServer influx) =>
        [.. (await RowsAsync(influx, "SELECT severity, device, kind FROM events")).Select(static r => new PointKey("events", r[2].GetString()!, r[3].GetString()!, r[0].GetInt64()))];

    /// <summary>Every point of <c>sway</c>.</summary>
    public static async Task<IReadOnlyList<PointKey>> WindowsAsync(InfluxdServer influx, string? device = null) =>
        [.. (await RowsAsync(influx, "SELECT window_s, device FROM sway" + (device is null ? "" : $" WHERE device = '{device}'")))
            .Select(static r => new PointKey("sway", r[2].GetString()!, "", r[0].GetInt64()))];

    /// <summary>The single value of an aggregate (0 when there is no series yet, or influxd is down).</summary>
    public static async Task<long> ScalarAsync(InfluxdServer influx, string q)
    {
        try
        {
            return await influx.ScalarAsync(Database, q);
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private static async Task<IReadOnlyList<JsonElement[]>> RowsAsync(InfluxdServer influx, string q)
    {
        var result = await influx.QueryAsync(Database, q);
        if (result.TryGetProperty("error", out var error))
        {
            if (error.GetString()!.StartsWith("database not found", StringComparison.Ordinal))
            {
                return [];
            }

            throw new InvalidOperationException($"{q}: {error.GetString()}");
        }

        if (!result.TryGetProperty("series", out var series))
        {
            return [];
        }

        return [.. series.EnumerateArray().SelectMany(static s => s.GetProperty("values").EnumerateArray()).Select(static v => v.EnumerateArray().ToArray())];
    }
}
