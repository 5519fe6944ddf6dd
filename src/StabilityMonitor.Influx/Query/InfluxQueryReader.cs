using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Influx.LineProtocol;
using StabilityMonitor.Influx.Writing;

namespace StabilityMonitor.Influx.Query;

/// <summary>
/// <see cref="IMetricHistory"/> over <c>GET /query</c> with <c>epoch=u</c>. On 1.x the database is
/// <see cref="InfluxOptions.Database"/> with basic authentication; on 2.x/3.x it is the bucket (through the
/// server's DBRP mapping, automatic for buckets on 2.x) with token authentication.
/// </summary>
internal sealed class InfluxQueryReader : IMetricHistory, IDisposable
{
    private const int MaxWindows = 10_000;

    private readonly HttpClient? _http;
    private readonly string _database;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly ILogger _logger;

    public InfluxQueryReader(IOptions<InfluxOptions> options, ILogger<InfluxQueryReader> logger)
        : this(options.Value, new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, logger)
    {
    }

    internal InfluxQueryReader(InfluxOptions options, HttpMessageHandler handler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        if (options.ApiVersion == InfluxApiVersion.V2)
        {
            _database = options.Bucket;
            _authorization = string.IsNullOrEmpty(options.Token) ? null : new AuthenticationHeaderValue("Token", options.Token);
        }
        else
        {
            _database = options.Database;
            _authorization = InfluxHttp.BasicAuthorization(options.Username, options.Password);
        }

        if (options.HasServer)
        {
            _http = new HttpClient(handler, disposeHandler: true)
            {
                BaseAddress = new Uri(options.Url.TrimEnd('/') + "/"),
                Timeout = options.RequestTimeout,
            };
        }
        else
        {
            handler.Dispose();
        }
    }

    public bool IsAvailable => _http is not null;

    public Task<IReadOnlyList<StoredEvent>> GetRecentEventsAsync(
        string facility, DateTimeOffset since, int limit, CancellationToken cancellationToken = default) =>
        QueryEventsAsync(facility, since, to: null, limit, cancellationToken);

    public Task<IReadOnlyList<StoredEvent>> GetEventsAsync(
        string facility, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default) =>
        QueryEventsAsync(facility, from, to, limit, cancellationToken);

    private async Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(
        string facility, DateTimeOffset from, DateTimeOffset? to, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(facility);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (_http is null)
        {
            return [];
        }

        string upper = to is { } end ? $" AND time <= {InfluxQl.Time(ToMicros(end))}" : "";
        string q = $"SELECT * FROM {PointFormatter.EventsMeasurement} WHERE {PointFormatter.FacilityTag} = {InfluxQl.Literal(facility)}"
            + $" AND time >= {InfluxQl.Time(ToMicros(from))}{upper} ORDER BY time DESC LIMIT {limit}";
        var events = new List<StoredEvent>();
        foreach (Row row in await QueryAsync(q, cancellationToken).ConfigureAwait(false))
        {
            events.Add(new StoredEvent(
                row.Time,
                row.String(PointFormatter.FacilityTag) ?? facility,
                row.String(PointFormatter.DeviceTag) ?? "",
                row.String(PointFormatter.KindTag) ?? "",
                (int)(row.Number("severity") ?? 0),
                row.Number("score"),
                row.Number("peak_accel_g"),
                row.Number("peak_jerk_g_per_s"),
                row.Number("duration_ms"),
                row.Number("tilt_change_deg"),
                row.Number("decision_delay_ms"),
                row.String("note")));
        }

        return events;
    }

    public async Task<IReadOnlyList<StoredWindow>> GetWindowHistoryAsync(
        string facility, string deviceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(facility);
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        if (_http is null)
        {
            return [];
        }

        string q = $"SELECT * FROM {PointFormatter.SwayMeasurement} WHERE {PointFormatter.FacilityTag} = {InfluxQl.Literal(facility)}"
            + $" AND {PointFormatter.DeviceTag} = {InfluxQl.Literal(deviceId)}"
            + $" AND time >= {InfluxQl.Time(ToMicros(from))} AND time <= {InfluxQl.Time(ToMicros(to))} ORDER BY time ASC LIMIT {MaxWindows}";
        var windows = new List<StoredWindow>();
        foreach (Row row in await QueryAsync(q, cancellationToken).ConfigureAwait(false))
        {
            windows.Add(new StoredWindow(
                row.Time,
                row.String(PointFormatter.DeviceTag) ?? deviceId,
                row.String("posture") ?? "unknown",
                row.String("activity") ?? "unknown",
                row.Number("tilt_deg"),
                row.Number("rms_ap"),
                row.Number("rms_ml"),
                row.Number("jerk_rms"),
                row.Number("mean_velocity"),
                row.Number("path_length"),
                row.Number("ellipse_area95"),
                row.Number("centroid_freq_hz"),
                row.Number("window_s")));
        }

        return windows;
    }

    public void Dispose() => _http?.Dispose();

    private static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    internal async Task<List<Row>> QueryAsync(string q, CancellationToken cancellationToken)
    {
        string uri = "query?db=" + Uri.EscapeDataString(_database) + "&epoch=u&q=" + Uri.EscapeDataString(q);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = _authorization;
        using HttpResponseMessage response = await _http!.SendAsync(request, cancellationToken).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string message = InfluxHttp.ErrorMessage(body);
            InfluxLog.QueryFailed(_logger, _http.BaseAddress!.GetLeftPart(UriPartial.Authority), message);
            throw new HttpRequestException($"InfluxQL query failed ({(int)response.StatusCode}): {message}", null, response.StatusCode);
        }

        return Parse(body);
    }

    /// <summary>Rows of the first statement's series; tags and fields by column name.</summary>
    internal static List<Row> Parse(string body)
    {
        var rows = new List<Row>();
        using var document = JsonDocument.Parse(body);
        if (!document.RootElement.TryGetProperty("results", out JsonElement results) || results.GetArrayLength() == 0)
        {
            return rows;
        }

        JsonElement result = results[0];
        if (result.TryGetProperty("error", out JsonElement error))
        {
            throw new InvalidOperationException("InfluxQL error: " + error.GetString());
        }

        if (!result.TryGetProperty("series", out JsonElement series))
        {
            return rows;
        }

        foreach (JsonElement s in series.EnumerateArray())
        {
            string[] columns = [.. s.GetProperty("columns").EnumerateArray().Select(static c => c.GetString() ?? "")];
            foreach (JsonElement values in s.GetProperty("values").EnumerateArray())
            {
                var cells = new Dictionary<string, JsonElement>(columns.Length, StringComparer.Ordinal);
                int i = 0;
                foreach (JsonElement value in values.EnumerateArray())
                {
                    cells[columns[i++]] = value.Clone();
                }

                rows.Add(new Row(cells));
            }
        }

        return rows;
    }

    internal sealed class Row(Dictionary<string, JsonElement> cells)
    {
        public IEnumerable<KeyValuePair<string, JsonElement>> Cells => cells;

        public long Time => cells.TryGetValue("time", out JsonElement t) && t.ValueKind == JsonValueKind.Number ? t.GetInt64() : 0;

        public string? String(string column) =>
            cells.TryGetValue(column, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        public double? Number(string column) =>
            cells.TryGetValue(column, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
    }
}
