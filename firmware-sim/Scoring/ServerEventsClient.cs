using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Scoring;

/// <summary>Reads what the live server raised and counted: <c>GET /api/events</c> (paged) and <c>GET /api/devices</c>.</summary>
internal sealed class ServerEventsClient(HttpClient http)
{
    private const int PageSize = 500;

    /// <summary>Every event of <paramref name="device"/> in [from, to] (device time, Unix µs).</summary>
    public async Task<IReadOnlyList<ObservedEvent>> GetEventsAsync(string device, long fromMicros, long toMicros, CancellationToken cancellationToken)
    {
        var events = new List<ObservedEvent>();
        for (var page = 1; ; page++)
        {
            var url = string.Create(
                CultureInfo.InvariantCulture,
                $"api/events?deviceId={Uri.EscapeDataString(device)}&from={Uri.EscapeDataString(Iso(fromMicros))}&to={Uri.EscapeDataString(Iso(toMicros))}&page={page}&pageSize={PageSize}");
            using var document = await http.GetFromJsonAsync<JsonDocument>(url, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"GET {url} returned nothing");
            var items = document.RootElement.GetProperty("items");
            foreach (var item in items.EnumerateArray())
            {
                events.Add(new ObservedEvent(
                    item.GetProperty("deviceId").GetString() ?? device,
                    KindLabel(item.GetProperty("kind").GetString()),
                    item.GetProperty("timeMicros").GetInt64(),
                    item.GetProperty("decisionTimeMicros").GetInt64(),
                    item.TryGetProperty("peakAccelG", out var peak) ? peak.GetDouble() : 0));
            }

            var total = document.RootElement.GetProperty("total").GetInt32();
            if (page * PageSize >= total || items.GetArrayLength() == 0)
            {
                return events;
            }
        }
    }

    /// <summary>Every event for the devices of <paramref name="truth"/>, each within the span its records cover (± margin).</summary>
    public async Task<IReadOnlyList<ObservedEvent>> GetEventsAsync(IReadOnlyList<GroundTruthRecord> truth, TimeSpan margin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(truth);
        var m = (long)(margin.TotalMilliseconds * 1000);
        var events = new List<ObservedEvent>();
        foreach (var group in truth.GroupBy(static t => t.Device))
        {
            events.AddRange(await GetEventsAsync(group.Key, group.Min(static r => r.StartMicros) - m, group.Max(static r => r.EndMicros) + m, cancellationToken).ConfigureAwait(false));
        }

        return events;
    }

    /// <summary>Data-quality counters of every device the server knows.</summary>
    public async Task<IReadOnlyList<ObservedQuality>> GetQualityAsync(CancellationToken cancellationToken)
    {
        using var document = await http.GetFromJsonAsync<JsonDocument>("api/devices", cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException("GET /api/devices returned nothing");
        var list = new List<ObservedQuality>();
        foreach (var d in document.RootElement.EnumerateArray())
        {
            var q = d.GetProperty("quality");
            list.Add(new ObservedQuality(
                d.GetProperty("deviceId").GetString() ?? string.Empty,
                q.GetProperty("frames").GetInt64(),
                q.GetProperty("lost").GetInt64(),
                q.GetProperty("duplicates").GetInt64(),
                q.GetProperty("reordered").GetInt64(),
                q.GetProperty("late").GetInt64(),
                q.GetProperty("clockJumps").GetInt64(),
                q.GetProperty("restarts").GetInt64(),
                q.GetProperty("rejected").GetInt64(),
                d.TryGetProperty("battery", out var b) && b.ValueKind == JsonValueKind.Number ? b.GetDouble() : null,
                d.TryGetProperty("online", out var o) && o.ValueKind == JsonValueKind.True));
        }

        return list;
    }

    /// <summary><c>NearFall</c> → <c>near_fall</c>, as in ground truth and evaluation reports.</summary>
    public static string KindLabel(string? kind) => kind switch
    {
        "NearFall" or "near_fall" or "near-fall" => GroundTruthRecord.NearFall,
        "Fall" => GroundTruthRecord.Fall,
        "SwayElevated" => "sway_elevated",
        _ => kind?.ToLowerInvariant() ?? "unknown",
    };

    private static string Iso(long micros) => GroundTruthRecord.FormatTime(micros);
}
