using System.Security.Cryptography;
using System.Text;

namespace StabilityMonitor.Alerting.Access;

/// <summary>Random tokens (API keys, wearable passwords) and their hashes.</summary>
/// <remarks>
/// These tokens carry 256 random bits, so a fast hash is as safe as a slow one and keeps a wearable's connect or an
/// API call cheap; people's passwords go through <c>PasswordHasher</c> instead.
/// </remarks>
public static class Secrets
{
    /// <summary><paramref name="prefix"/> followed by 32 random bytes in base64url (43 characters).</summary>
    public static string NewToken(string prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Lowercase hex SHA-256 of the UTF-8 text.</summary>
    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Whether <paramref name="text"/> hashes to <paramref name="expectedHex"/>, compared in constant time.</summary>
    public static bool Matches(string text, string? expectedHex)
    {
        if (expectedHex is null)
        {
            return false;
        }

        var actual = Encoding.ASCII.GetBytes(Sha256Hex(text));
        var expected = Encoding.ASCII.GetBytes(expectedHex);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
