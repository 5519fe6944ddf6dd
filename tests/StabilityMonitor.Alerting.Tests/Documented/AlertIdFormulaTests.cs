using System.Security.Cryptography;
using System.Text;
using StabilityMonitor.Alerting.Alerts;

namespace StabilityMonitor.Alerting.Tests.Documented;

/// <summary>
/// docs/alerts.md, "Alert lifecycle": an alert's id is `al_` + the first 128 bits of SHA-256 over
/// `{deviceId}|{kind}|{deviceTimeMicros}`. Another server or tool can compute it; `AlertIdsTests` checks only the shape.
/// </summary>
public sealed class AlertIdFormulaTests
{
    [Theory]
    [InlineData("ward-01", "fall", 1_700_000_000_123_456L)]
    [InlineData("a", "near_fall", -5L)]
    public void For_IsTheDocumentedHash(string deviceId, string kind, long deviceTimeMicros)
    {
        var text = deviceId + "|" + kind + "|" + deviceTimeMicros.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var expected = "al_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

        Assert.Equal(expected, AlertIds.For(deviceId, kind, deviceTimeMicros));
    }

    [Fact]
    public void For_GoldenVector()
    {
        // `printf '%s' 'ward-01|fall|1700000000123456' | sha256sum`, first 32 hex digits.
        Assert.Equal("al_7e238daac80f4616c36fa3a291523ad4", AlertIds.For("ward-01", "fall", 1_700_000_000_123_456));
    }
}
