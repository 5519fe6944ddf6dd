using System.Buffers;
using System.Text;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// The status payload's rules, one by one (mutation testing found them unguarded: every boundary and every refusal
/// could change without a test noticing).
/// </summary>
public class StatusParserTests
{
    [Fact]
    public void TryParse_EveryField_IsRead()
    {
        Assert.True(Parse("""{"online":true,"battery":0.87,"firmware":"1.2.0","rate":50}""", out var status));
        Assert.Equal(new DeviceStatus(true, 0.87f, "1.2.0", 50), status);
    }

    [Fact]
    public void TryParse_OnlyOnline_LeavesTheRestUnknown()
    {
        Assert.True(Parse("""{"online":false}""", out var status));
        Assert.Equal(new DeviceStatus(false, null, null, null), status);
    }

    [Fact]
    public void TryParse_UnknownFieldsAnyShape_AreSkipped()
    {
        Assert.True(Parse("""{"extra":{"a":[1,2,{"b":null}]},"online":true,"note":"x","rate":25}""", out var status));
        Assert.Equal(new DeviceStatus(true, null, null, 25), status);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(1000, true)]
    [InlineData(0, false)]
    [InlineData(1001, false)]
    [InlineData(-50, false)]
    public void TryParse_Rate_AcceptedFrom1To1000(int rate, bool accepted)
    {
        Assert.Equal(accepted, Parse($$"""{"online":true,"rate":{{rate}}}""", out var status));
        if (accepted)
        {
            Assert.Equal(rate, status.RateHz);
        }
    }

    [Theory]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(300)]
    public void TryParse_Firmware_KeptUpTo64Characters(int length)
    {
        var firmware = new string('v', length);
        Assert.True(Parse($$"""{"online":true,"firmware":"{{firmware}}"}""", out var status));
        Assert.Equal(firmware[..Math.Min(length, 64)], status.Firmware);
    }

    [Theory]
    [InlineData("""{"battery":0.5}""")] // online missing
    [InlineData("""{"online":"yes"}""")]
    [InlineData("""{"online":1}""")]
    [InlineData("""{"online":true,"battery":"full"}""")]
    [InlineData("""{"online":true,"battery":1e400}""")]
    [InlineData("""{"online":true,"firmware":12}""")]
    [InlineData("""{"online":true,"rate":"50"}""")]
    [InlineData("""{"online":true,"rate":50.5}""")]
    [InlineData("""[{"online":true}]""")]
    [InlineData("""true""")]
    [InlineData("""{"online":true}{"online":false}""")] // a second document after the first
    [InlineData("""{"online":true,"a":[[[[[[[[[1]]]]]]]]]}""")] // deeper than 8
    [InlineData("""{"online":true""")] // truncated
    [InlineData("")]
    public void TryParse_Malformed_IsRefusedWithNoStatus(string json)
    {
        Assert.False(Parse(json, out var status));
        Assert.Equal(default, status);
    }

    private static bool Parse(string json, out DeviceStatus status) =>
        StatusParser.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), out status);
}
