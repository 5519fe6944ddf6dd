using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StabilityMonitor.Alerting.Alerts;

/// <summary>
/// Alert identity from what the alert is about, not from when or where it was processed: the same event seen again
/// (redelivered after a restart, processed by a second server) maps to the same id, and inserting it again is a no-op.
/// </summary>
public static class AlertIds
{
    /// <summary>
    /// <c>al_</c> and 32 hex characters: the first 128 bits of SHA-256 over <c>{deviceId}|{kind}|{deviceTimeMicros}</c>.
    /// </summary>
    public static string For(string deviceId, string kind, long deviceTimeMicros)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        ArgumentNullException.ThrowIfNull(kind);
        var text = string.Create(CultureInfo.InvariantCulture, $"{deviceId}|{kind}|{deviceTimeMicros}");
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return "al_" + Convert.ToHexStringLower(hash[..16]);
    }
}
