using MQTTnet;
using MQTTnet.Protocol;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.IntegrationTests;

/// <summary>
/// The embedded broker over real TCP with MQTTnet clients: who may connect, publish and subscribe, and the packet
/// size cap. The server and its registry (dev-a .. dev-f) are shared; counters are compared before and after.
/// </summary>
public sealed class EmbeddedBrokerSecurityTests : IClassFixture<EmbeddedBrokerSecurityFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly EmbeddedBrokerSecurityFixture _fixture;

    public EmbeddedBrokerSecurityTests(EmbeddedBrokerSecurityFixture fixture)
    {
        _fixture = fixture;
    }

    private ServerHost Server => _fixture.Server;

    private EmbeddedBrokerRefusals Refusals => Server.Services.GetRequiredServiceOf<EmbeddedBrokerRefusals>();

    [Fact]
    public async Task Connect_Anonymous_RefusedNotAuthorized()
    {
        var before = Refusals.Count(BrokerRefusal.Connection);
        var (code, client) = await ConnectAsync(_fixture.Anonymous, "dev-a");
        using (client)
        {
            Assert.Equal(MqttClientConnectResultCode.NotAuthorized, code);
            Assert.False(client.IsConnected);
        }

        Assert.Equal(before + 1, Refusals.Count(BrokerRefusal.Connection));
        var metrics = Faults.PrometheusText.Parse(await Server.Http.GetStringAsync("/metrics"));
        Assert.True(metrics.Value("stability_mqtt_broker_refused_connections_total") >= before + 1, "the refusal is exported");
    }

    [Theory]
    [InlineData("dev-a", "dev-a", "wrong-password", MqttClientConnectResultCode.BadUserNameOrPassword)]
    [InlineData("dev-z", "dev-z", "dev-a-secret", MqttClientConnectResultCode.BadUserNameOrPassword)] // not registered
    [InlineData("dev-b", "dev-a", EmbeddedBrokerSecurityFixture.PasswordA, MqttClientConnectResultCode.NotAuthorized)] // dev-a's credentials, dev-b's id
    [InlineData("not/a device", "not/a device", "x", MqttClientConnectResultCode.ClientIdentifierNotValid)]
    public async Task Connect_BadCredentialsOrIdentity_RefusedWithReason(string clientId, string userName, string password, MqttClientConnectResultCode expected)
    {
        var before = Refusals.Count(BrokerRefusal.Connection);
        var (code, client) = await ConnectAsync(_fixture.Anonymous with { Username = userName, Password = password }, clientId);
        client.Dispose();
        Assert.Equal(expected, code);
        Assert.Equal(before + 1, Refusals.Count(BrokerRefusal.Connection));
    }

    [Fact]
    public async Task Wearable_Registered_ConnectsAndItsFramesAreProcessed()
    {
        var processed = 0;
        using var subscription = Server.Pipeline.Frames.Subscribe(f =>
        {
            if (f.DeviceId == "dev-c")
            {
                Interlocked.Increment(ref processed);
            }
        });
        await using var device = new Device("dev-c", _fixture.Device("dev-c"), new MotionScript().Stand(30), seed: 3);
        using var cts = new CancellationTokenSource(s_timeout);
        Assert.Equal(MqttClientConnectResultCode.Success, await device.Publisher.ConnectAsync(cts.Token));
        await device.PublishAsync(5, TimeSpan.Zero, cts.Token);
        await Poll.UntilAsync(() => Volatile.Read(ref processed) >= 5, s_timeout, () => $"{processed} of 5 frames of dev-c processed");
        await device.Publisher.DisconnectAsync(cts.Token);
        Assert.Empty(Server.Logs.Errors);
    }

    [Fact]
    public async Task Publish_ToAnotherDevicesTopic_PubAckNotAuthorizedAndNeverProcessed()
    {
        var before = Refusals.Count(BrokerRefusal.Publish);
        await using var source = new Device("dev-a", _fixture.Device("dev-a"), new MotionScript().Stand(30), seed: 4);
        var frame = new byte[source.Emulator.FrameBytes];
        var (code, client) = await ConnectAsync(_fixture.Device("dev-a"), "dev-a");
        using (client)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, code);
            foreach (var topic in new[] { "wearables/dev-f/accel", "wearables/dev-f/status", "wearables/dev-a/other", "alerts/fall" })
            {
                source.Emulator.WriteNextFrame(frame);
                var refused = await client.PublishAsync(Message(topic, frame));
                Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, refused.ReasonCode);
            }

            // A frame of its own afterwards arrives: frames of one connection arrive in order, so the refused one
            // would have been processed before it.
            var processed = 0;
            using var subscription = Server.Pipeline.Frames.Subscribe(f => Interlocked.Increment(ref processed));
            source.Emulator.WriteNextFrame(frame);
            var own = await client.PublishAsync(Message("wearables/dev-a/accel", frame));
            Assert.Equal(MqttClientPublishReasonCode.Success, own.ReasonCode);
            await Poll.UntilAsync(() => Volatile.Read(ref processed) >= 1, s_timeout, () => "dev-a's own frame not processed");
            await client.DisconnectAsync();
        }

        Assert.Null(Server.Pipeline.GetDevice("dev-f"));
        Assert.Equal(before + 4, Refusals.Count(BrokerRefusal.Publish));
    }

    [Fact]
    public async Task Subscribe_WearableToWildcardsOrOtherDevice_NotAuthorizedAndReceivesNothing()
    {
        var before = Refusals.Count(BrokerRefusal.Subscription);
        var (code, spy) = await ConnectAsync(_fixture.Device("dev-e"), "dev-e");
        using (spy)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, code);
            var received = 0;
            spy.ApplicationMessageReceivedAsync += _ =>
            {
                Interlocked.Increment(ref received);
                return Task.CompletedTask;
            };
            // ($share/... never reaches the check: MQTTnet.Server 5.2 answers SharedSubscriptionsNotSupported.)
            var filters = new[] { "#", "wearables/+/accel", "wearables/dev-b/accel", "wearables/dev-b/status" };
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (var filter in filters)
            {
                subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
            }

            var result = await spy.SubscribeAsync(subscribe.Build());
            Assert.All(result.Items, static item => Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, item.ResultCode));
            Assert.Equal(filters.Length, result.Items.Count);

            // dev-b publishes a frame (and its retained status); the worker processes it, the spy gets nothing.
            var processed = 0;
            using var subscription = Server.Pipeline.Frames.Subscribe(f =>
            {
                if (f.DeviceId == "dev-b")
                {
                    Interlocked.Increment(ref processed);
                }
            });
            await using var devB = new Device("dev-b", _fixture.Device("dev-b"), new MotionScript().Stand(30), seed: 5);
            using var cts = new CancellationTokenSource(s_timeout);
            await devB.PublishAsync(2, TimeSpan.Zero, cts.Token);
            await Poll.UntilAsync(() => Volatile.Read(ref processed) >= 2, s_timeout, () => "dev-b's frames not processed");
            await devB.Publisher.DisconnectAsync(cts.Token);
            await Task.Delay(200);
            Assert.Equal(0, Volatile.Read(ref received));
        }

        Assert.Equal(before + 4, Refusals.Count(BrokerRefusal.Subscription));
    }

    [Fact]
    public async Task Connect_WithWorkersClientIdWithoutSecret_RefusedAndWorkerStaysConnected()
    {
        var state = Server.Services.GetRequiredServiceOf<MqttConnectionState>();
        Assert.True(state.IsConnected);
        var connects = state.Connects;
        var disconnects = Server.Logs.Count(typeof(MqttConnectionState).Namespace + ".MqttIngestService", "Disconnected from the broker");

        var (anonymous, first) = await ConnectAsync(_fixture.Anonymous, EmbeddedBrokerSecurityFixture.WorkerId);
        first.Dispose();
        var (guessed, second) = await ConnectAsync(_fixture.Anonymous with { Username = EmbeddedBrokerSecurityFixture.WorkerId, Password = "guess" }, EmbeddedBrokerSecurityFixture.WorkerId);
        second.Dispose();
        var (device, third) = await ConnectAsync(_fixture.Device("dev-a"), EmbeddedBrokerSecurityFixture.WorkerId);
        third.Dispose();

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, anonymous);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, guessed);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, device);

        // Had any of them taken the session over, the worker would have been disconnected and reconnected.
        await Task.Delay(300);
        Assert.True(state.IsConnected);
        Assert.Equal(connects, state.Connects);
        Assert.Equal(disconnects, Server.Logs.Count(typeof(MqttConnectionState).Namespace + ".MqttIngestService", "Disconnected from the broker"));
    }

    [Fact]
    public async Task Publish_PacketOverTheLimit_DisconnectedPacketTooLarge()
    {
        var before = Refusals.Count(BrokerRefusal.OversizedPacket);
        var (code, client) = await ConnectAsync(_fixture.Device("dev-d"), "dev-d");
        using (client)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, code);
            var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            client.DisconnectedAsync += e =>
            {
                disconnected.TrySetResult(e);
                return Task.CompletedTask;
            };

            // Just under the limit is accepted (the pipeline rejects it as a frame, which is not the broker's concern).
            var fits = new byte[MqttOptions.DefaultEmbeddedMaxPacketBytes - 64];
            Assert.Equal(MqttClientPublishReasonCode.Success, (await client.PublishAsync(Message("wearables/dev-d/accel", fits))).ReasonCode);

            var tooLarge = new byte[MqttOptions.DefaultEmbeddedMaxPacketBytes + 1];
            await Assert.ThrowsAnyAsync<Exception>(() => client.PublishAsync(Message("wearables/dev-d/accel", tooLarge)).WaitAsync(s_timeout));
            var e = await disconnected.Task.WaitAsync(s_timeout);
            Assert.Equal(MqttClientDisconnectReason.PacketTooLarge, e.Reason);
        }

        Assert.Equal(before + 1, Refusals.Count(BrokerRefusal.OversizedPacket));
    }

    [Fact]
    public async Task Gateway_PublishesForAdmittedWearables_SubscribesToNothing_WrongPasswordRefused()
    {
        var (wrong, wrongClient) = await ConnectAsync(_fixture.Anonymous with { Username = "gateway", Password = "guess" }, "fwsim-dev-e");
        wrongClient.Dispose();
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, wrong);

        await using var source = new Device("dev-e", _fixture.Device("dev-e"), new MotionScript().Stand(30), seed: 8);
        var frame = new byte[source.Emulator.FrameBytes];
        var (code, client) = await ConnectAsync(_fixture.Anonymous with { Username = "gateway", Password = EmbeddedBrokerSecurityFixture.GatewayPassword }, "fwsim-dev-e");
        using (client)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, code);
            var processed = 0;
            using var subscription = Server.Pipeline.Frames.Subscribe(f =>
            {
                if (f.DeviceId == "dev-e")
                {
                    Interlocked.Increment(ref processed);
                }
            });
            source.Emulator.WriteNextFrame(frame);
            Assert.Equal(MqttClientPublishReasonCode.Success, (await client.PublishAsync(Message("wearables/dev-e/accel", frame))).ReasonCode);
            await Poll.UntilAsync(() => Volatile.Read(ref processed) >= 1, s_timeout, () => "the gateway's frame for dev-e not processed");

            var subscribe = await client.SubscribeAsync(new MqttClientFactory().CreateSubscribeOptionsBuilder().WithTopicFilter("#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(subscribe.Items).ResultCode);
            await client.DisconnectAsync();
        }
    }

    private static MqttApplicationMessage Message(string topic, byte[] payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private static async Task<(MqttClientConnectResultCode Code, IMqttClient Client)> ConnectAsync(MqttConnectionSettings settings, string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = settings.CreateClientOptions(clientId).WithCleanStart(true).WithTimeout(TimeSpan.FromSeconds(5)).Build();
        var result = await client.ConnectAsync(options).WaitAsync(s_timeout);
        return (result.ResultCode, client);
    }
}
