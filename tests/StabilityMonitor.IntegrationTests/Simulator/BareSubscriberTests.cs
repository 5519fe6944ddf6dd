using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using StabilityMonitor.FirmwareSim.Load;
using StabilityMonitor.Mqtt;

namespace StabilityMonitor.IntegrationTests.Simulator;

/// <summary>
/// <c>firmware-sim bare-sub</c>, the ceiling the load benchmark compares the server with, against real mosquitto: its
/// warm-up (<c>--warm-up N</c>) must take the first messages outside the figures and say when they are in, or the
/// benchmark's warm comparison counts the wrong burst.
/// </summary>
public sealed class BareSubscriberTests
{
    private const int WarmUp = 40;
    private const int Measured = 25;

    [Fact]
    public async Task WarmUp_FirstMessagesAreLeftOutOfTheFigures_AndItsEndIsAnnounced()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var mqtt = new MqttConnectionSettings("127.0.0.1", broker.Port);
        var settings = new BareSubscriberSettings { Broker = mqtt, ClientId = "bare-warm-test", Idle = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(60) };

        // As the benchmark does: the session first, so that the broker queues both bursts for it.
        Assert.Equal(0, await BareSubscriberAction.ExecuteAsync(settings with { Prepare = true }, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        await PublishAsync(mqtt, WarmUp + Measured);

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await BareSubscriberAction.ExecuteAsync(settings with { WarmUp = WarmUp }, output, error, CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Contains($"{{\"warm\":{WarmUp}}}", error.ToString(), StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(output.ToString());
        Assert.Equal(Measured, summary.RootElement.GetProperty("received").GetInt64());
        Assert.Equal(WarmUp, summary.RootElement.GetProperty("warm_up").GetInt64());
        Assert.False(summary.RootElement.GetProperty("timed_out").GetBoolean());
        Assert.True(summary.RootElement.GetProperty("cpu_micros_per_message").GetDouble() > 0);
    }

    private static async Task PublishAsync(MqttConnectionSettings mqtt, int count)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(mqtt.CreateClientOptions("bare-warm-publisher").Build(), CancellationToken.None);
        for (var i = 0; i < count; i++)
        {
            var message = new MqttApplicationMessageBuilder()
                .WithTopic("wearables/bare-1/accel")
                .WithPayload([1, 2, 3, (byte)i])
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            Assert.True((await client.PublishAsync(message, CancellationToken.None)).IsSuccess);
        }

        await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
    }
}
