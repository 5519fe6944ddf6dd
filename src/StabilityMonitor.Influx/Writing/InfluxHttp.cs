using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace StabilityMonitor.Influx.Writing;

/// <summary>HTTP details shared by the v1 writer and the InfluxQL reader.</summary>
internal static class InfluxHttp
{
    public static AuthenticationHeaderValue? BasicAuthorization(string username, string password) =>
        string.IsNullOrEmpty(username)
            ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password)));

    /// <summary>The <c>error</c> member of an InfluxDB JSON error body, else the text itself (cut to 500 characters).</summary>
    public static string ErrorMessage(string body)
    {
        if (body.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.String)
                {
                    return error.GetString() ?? "";
                }

                if (document.RootElement.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString() ?? "";
                }
            }
            catch (JsonException)
            {
            }
        }

        return body.Length > 500 ? body[..500] : body;
    }
}
