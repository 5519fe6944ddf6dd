using System.Buffers;
using System.Text;
using System.Text.Json;

namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>
/// One line of a ground-truth file (JSON lines): what a simulated wearable really did, or what was done to its
/// stream, in device time (the clock that stamps its frames, so events the server raises compare directly).
/// </summary>
/// <param name="Device">Device id.</param>
/// <param name="Kind"><c>near_fall</c>, <c>fall</c>, <c>activity</c>, or a fault: <c>loss</c>, <c>duplicate</c>, <c>reorder</c>,
/// <c>disconnect</c>, <c>clock_drift</c>, <c>clock_jump</c>, <c>saturation</c>, <c>stuck_axis</c>, <c>low_battery</c>,
/// <c>battery_dead</c>, <c>malformed</c>.</param>
/// <param name="StartMicros">Start, device time, Unix µs.</param>
/// <param name="EndMicros">End, device time, Unix µs.</param>
public sealed record GroundTruthRecord(string Device, string Kind, long StartMicros, long EndMicros)
{
    public const string NearFall = "near_fall";
    public const string Fall = "fall";
    public const string Activity = "activity";

    /// <summary>Near-fall: stumble, trip or slip; activity: its name; recordings: the file's label.</summary>
    public string? Detail { get; init; }

    /// <summary>Near-fall and fall: device time of the peak or impact, Unix µs.</summary>
    public long? PeakMicros { get; init; }

    /// <summary>Near-fall and fall: planned peak, g. Saturation: clip level, g.</summary>
    public double? PeakG { get; init; }

    /// <summary>Faults: frames (or payloads) affected: lost, extra copies, swaps, malformed payloads, frames held or dropped while offline.</summary>
    public long? Frames { get; init; }

    /// <summary>Extra numbers: clock drift ppm, clock jump s, battery level, stuck axis (0..2), whether a disconnect buffered.</summary>
    public double? Value { get; init; }

    /// <summary>Where it came from (scenario name, recording file).</summary>
    public string? Source { get; init; }

    /// <summary>True for kinds a detector should raise: near-falls and falls.</summary>
    public bool IsDetectable => Kind is NearFall or Fall;

    /// <summary>The record as one compact JSON line (no newline).</summary>
    public string ToJsonLine()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("device", Device);
            w.WriteString("kind", Kind);
            if (Detail is not null)
            {
                w.WriteString("detail", Detail);
            }

            w.WriteString("start", FormatTime(StartMicros));
            w.WriteString("end", FormatTime(EndMicros));
            w.WriteNumber("startMicros", StartMicros);
            w.WriteNumber("endMicros", EndMicros);
            if (PeakMicros is { } peak)
            {
                w.WriteNumber("peakMicros", peak);
            }

            if (PeakG is { } g)
            {
                w.WriteNumber("peakG", Math.Round(g, 3));
            }

            if (Frames is { } frames)
            {
                w.WriteNumber("frames", frames);
            }

            if (Value is { } value)
            {
                w.WriteNumber("value", Math.Round(value, 6));
            }

            if (Source is not null)
            {
                w.WriteString("source", Source);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Parses one line written by <see cref="ToJsonLine"/> (<c>startMicros</c>/<c>endMicros</c>, or ISO <c>start</c>/<c>end</c>).</summary>
    /// <exception cref="FormatException">The line is not a ground-truth record.</exception>
    public static GroundTruthRecord Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("expected a JSON object");
            }

            var device = root.TryGetProperty("device", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : throw new FormatException("'device' is missing");
            var kind = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : throw new FormatException("'kind' is missing");
            return new GroundTruthRecord(device, kind, Time(root, "start"), Time(root, "end"))
            {
                Detail = root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString() : null,
                PeakMicros = root.TryGetProperty("peakMicros", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : null,
                PeakG = root.TryGetProperty("peakG", out var g) && g.ValueKind == JsonValueKind.Number ? g.GetDouble() : null,
                Frames = root.TryGetProperty("frames", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt64() : null,
                Value = root.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null,
                Source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null,
            };
        }
        catch (JsonException ex)
        {
            throw new FormatException("not JSON: " + ex.Message, ex);
        }
    }

    /// <summary>ISO 8601 UTC with microseconds.</summary>
    public static string FormatTime(long micros) =>
        DateTimeOffset.UnixEpoch.AddTicks(micros * 10).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static long Time(JsonElement root, string name)
    {
        if (root.TryGetProperty(name + "Micros", out var micros) && micros.ValueKind == JsonValueKind.Number)
        {
            return micros.GetInt64();
        }

        if (root.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(text.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
        {
            return (time - DateTimeOffset.UnixEpoch).Ticks / 10;
        }

        throw new FormatException($"'{name}' is missing: give '{name}Micros' (Unix µs) or '{name}' (ISO 8601)");
    }
}
