using System.Text.Json;
using System.Text.Json.Serialization;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>Writes an <see cref="Interval"/> as a two-number array, the form plots and notebooks expect.</summary>
internal sealed class IntervalJsonConverter : JsonConverter<Interval>
{
    public override Interval Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray || !reader.Read())
        {
            throw new JsonException("An interval is an array [lo, hi].");
        }

        var lo = reader.GetDouble();
        if (!reader.Read())
        {
            throw new JsonException("An interval is an array [lo, hi].");
        }

        var hi = reader.GetDouble();
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException("An interval is an array [lo, hi].");
        }

        return new Interval(lo, hi);
    }

    public override void Write(Utf8JsonWriter writer, Interval value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        writer.WriteNumberValue(Math.Round(value.Lo, 4));
        writer.WriteNumberValue(Math.Round(value.Hi, 4));
        writer.WriteEndArray();
    }
}
