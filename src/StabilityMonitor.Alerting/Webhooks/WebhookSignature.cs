using System.Security.Cryptography;
using System.Text;

namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>The <see cref="WebhookHeaders.Signature"/> value: what a receiver recomputes to trust a request.</summary>
public static class WebhookSignature
{
    public const string Prefix = "sha256=";

    /// <summary><c>sha256=</c> + lowercase hex HMAC-SHA256 of <paramref name="body"/> keyed with the UTF-8 bytes of <paramref name="secret"/>.</summary>
    public static string Compute(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, mac);
        return Prefix + Convert.ToHexStringLower(mac);
    }
}
