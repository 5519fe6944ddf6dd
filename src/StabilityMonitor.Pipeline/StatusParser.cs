using System.Buffers;
using System.Text.Json;

namespace StabilityMonitor.Pipeline;

/// <summary>Parses <c>{"online":true,"battery":0.87,"firmware":"1.2.0","rate":50}</c>; unknown fields are ignored.</summary>
internal static class StatusParser
{
    public static bool TryParse(in ReadOnlySequence<byte> payload, out DeviceStatus status)
    {
        status = default;
        bool? online = null;
        float? battery = null;
        string? firmware = null;
        int? rate = null;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("online"u8))
                {
                    reader.Read();
                    if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                    {
                        return false;
                    }

                    online = reader.GetBoolean();
                }
                else if (reader.ValueTextEquals("battery"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetSingle(out var b) || !float.IsFinite(b))
                    {
                        return false;
                    }

                    battery = b;
                }
                else if (reader.ValueTextEquals("firmware"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    firmware = reader.GetString();
                    if (firmware is { Length: > 64 })
                    {
                        firmware = firmware[..64];
                    }
                }
                else if (reader.ValueTextEquals("rate"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var r) || r is < 1 or > 1000)
                    {
                        return false;
                    }

                    rate = r;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || online is null)
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        status = new DeviceStatus(online.Value, battery, firmware, rate);
        return true;
    }
}
