using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Signal.Tests.CodecTests;

public class DeviceIdTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("wrist-01")]
    [InlineData("Ankle_L_7")]
    [InlineData("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_")]
    public void IsValid_AllowedCharsUpTo64_True(string id) => Assert.True(DeviceId.IsValid(id));

    [Theory]
    [InlineData("")]
    [InlineData("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_x")]
    [InlineData("wrist 01")]
    [InlineData("a/b")]
    [InlineData("+")]
    [InlineData("#")]
    [InlineData("dev.1")]
    [InlineData("gerät")]
    [InlineData("dev\0")]
    public void IsValid_EmptyTooLongOrOtherChars_False(string id) => Assert.False(DeviceId.IsValid(id));

    [Theory]
    [InlineData("wearables/wrist-01/accel", "wrist-01", TopicKind.Accel)]
    [InlineData("wearables/wrist-01/status", "wrist-01", TopicKind.Status)]
    [InlineData("wearables/a/accel", "a", TopicKind.Accel)]
    public void TryParseTopic_DeviceTopic_IdAndKind(string topic, string expectedId, TopicKind expectedKind)
    {
        Assert.True(DeviceId.TryParseTopic(topic, out Range id, out TopicKind kind));
        Assert.Equal(expectedId, topic[id]);
        Assert.Equal(expectedKind, kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("wearables")]
    [InlineData("wearables/")]
    [InlineData("wearables/dev1")]
    [InlineData("wearables/dev1/")]
    [InlineData("wearables//accel")]
    [InlineData("wearables/dev1/accel/")]
    [InlineData("wearables/dev1/accel/extra")]
    [InlineData("wearables/dev1/status/x")]
    [InlineData("wearables/a/b/accel")]
    [InlineData("wearables/dev1/accelx")]
    [InlineData("wearables/dev1/ACCEL")]
    [InlineData("Wearables/dev1/accel")]
    [InlineData("/wearables/dev1/accel")]
    [InlineData("wearables/+/accel")]
    [InlineData("wearables/#")]
    [InlineData("wearables/dev 1/accel")]
    [InlineData("wearables/0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_x/accel")]
    [InlineData("other/dev1/accel")]
    public void TryParseTopic_NotADeviceTopic_False(string topic)
    {
        Assert.False(DeviceId.TryParseTopic(topic, out Range id, out _));
        Assert.Equal(default, id);
    }

    [Fact]
    public void Topics_ValidId_RoundTripThroughParse()
    {
        string accel = DeviceId.AccelTopic("wrist-01");
        string status = DeviceId.StatusTopic("wrist-01");

        Assert.Equal("wearables/wrist-01/accel", accel);
        Assert.Equal("wearables/wrist-01/status", status);
        Assert.True(DeviceId.TryParseTopic(accel, out _, out TopicKind accelKind));
        Assert.True(DeviceId.TryParseTopic(status, out _, out TopicKind statusKind));
        Assert.Equal(TopicKind.Accel, accelKind);
        Assert.Equal(TopicKind.Status, statusKind);
    }

    [Fact]
    public void Subscriptions_MatchTopicShape()
    {
        Assert.Equal("wearables/+/accel", DeviceId.AccelSubscription);
        Assert.Equal("wearables/+/status", DeviceId.StatusSubscription);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("+")]
    public void Topics_InvalidId_ThrowArgumentException(string id)
    {
        Assert.Throws<ArgumentException>(() => DeviceId.AccelTopic(id));
        Assert.Throws<ArgumentException>(() => DeviceId.StatusTopic(id));
    }

    [Fact]
    public void Topics_NullId_ThrowArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => DeviceId.AccelTopic(null!));
        Assert.Throws<ArgumentNullException>(() => DeviceId.StatusTopic(null!));
    }
}
