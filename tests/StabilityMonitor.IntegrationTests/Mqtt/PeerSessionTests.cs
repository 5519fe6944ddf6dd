using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Mqtt;

/// <summary>
/// docs/scale-out.md, "A node that stays down": a worker consumes another worker's persistent session (its share of a
/// shared subscription) through real mosquitto, and gives it back when the owner connects again.
/// </summary>
public sealed class PeerSessionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WorkerAway_ItsSessionAdopted_ItsShareComesThroughTheOtherUntilItTakesItBack()
    {
        const int Frames = 40;
        await using var broker = await MosquittoBroker.StartAsync();
        (string, string)[] Worker(string id) => [("Mqtt:Url", broker.Url), ("Mqtt:ClientId", id), ("Mqtt:SharedSubscriptionGroup", "ward"), ("Pipeline:SilenceTimeout", "00:00:02"), ("Pipeline:ReorderWindow", "00:01:00"), ("Pipeline:MaxHeldFrames", "256")];
        await using var b = await ServerHost.StartAsync(Worker("worker-b"));
        var a = await ServerHost.StartAsync(Worker("worker-a"));

        // worker-a stops: a normal disconnect, so the broker keeps its session and queues its share of what follows.
        await a.DisposeAsync();
        var seenByB = new System.Collections.Concurrent.ConcurrentBag<uint>();
        using var subscription = b.Pipeline.Frames.Subscribe(f => seenByB.Add(f.Header.Sequence));
        using var cts = new CancellationTokenSource(s_timeout);
        await using var device = new Device("adopt-1", new MqttConnectionSettings("127.0.0.1", broker.Port), new MotionScript().Walk(60), seed: 5);
        await device.PublishAsync(Frames, TimeSpan.FromMilliseconds(2), cts.Token);
        await Task.Delay(TimeSpan.FromSeconds(1), cts.Token);
        Assert.True(seenByB.Count < Frames, $"worker-b alone received {seenByB.Count} of {Frames} frames: the broker did not keep worker-a's share");

        // worker-b adopts worker-a's session: the queued share comes through worker-b, and so does what follows.
        var sessions = b.Services.GetRequiredService<IPeerSessions>();
        sessions.Adopt("worker-a");
        await device.PublishAsync(Frames, TimeSpan.FromMilliseconds(2), cts.Token);
        await Poll.UntilAsync(() => seenByB.Count >= 2 * Frames, s_timeout, () => $"worker-b processed {seenByB.Count} of {2 * Frames} frames");
        Assert.Equal(Enumerable.Range(0, 2 * Frames).Select(static i => (uint)i), seenByB.Order());
        Assert.Equal(["worker-a"], sessions.Adopted);
        Assert.False(sessions.Absent("worker-a"));
        var metrics = await b.Http.GetStringAsync("/metrics", cts.Token);
        Assert.Equal(1, Metric(metrics, "stability_mqtt_adopted_sessions"));
        Assert.True(Metric(metrics, "stability_mqtt_adopted_messages_total") >= Frames / 2, metrics);

        // worker-a comes back under its id: the broker hands it its session, worker-b's adoption ends and its share goes
        // to worker-a again.
        await using var back = await ServerHost.StartAsync(Worker("worker-a"));
        await Poll.UntilAsync(() => sessions.Adopted.Count == 0, s_timeout, () => $"still adopted: {string.Join(", ", sessions.Adopted)}; {string.Join(" / ", b.Logs.Messages("MqttPeerSessions").TakeLast(6))}");
        var seenByA = new System.Collections.Concurrent.ConcurrentBag<uint>();
        using var backSubscription = back.Pipeline.Frames.Subscribe(f => seenByA.Add(f.Header.Sequence));
        await device.PublishAsync(Frames, TimeSpan.FromMilliseconds(2), cts.Token);
        await device.Publisher.DisconnectAsync(cts.Token);
        await Poll.UntilAsync(() => seenByA.Count + seenByB.Count >= 3 * Frames, s_timeout, () => $"{seenByA.Count} + {seenByB.Count} of {3 * Frames} frames processed");
        output.WriteLine($"after the return: worker-a {seenByA.Count} frames, worker-b {seenByB.Count - (2 * Frames)}");
        Assert.True(seenByA.Count > 0 && seenByB.Count > 2 * Frames, "both workers take part again");
        Assert.Equal(Enumerable.Range(0, 3 * Frames).Select(static i => (uint)i), seenByA.Concat(seenByB).Order());
        Assert.Contains(b.Logs.Messages("MqttPeerSessions"), static m => m.Contains("was taken over by another client", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AdoptingAnIdTheBrokerKeepsNoSessionFor_EndsAndLeavesNoSessionBehind()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var server = await ServerHost.StartAsync(("Mqtt:Url", broker.Url), ("Mqtt:ClientId", "worker-c"));
        var sessions = server.Services.GetRequiredService<IPeerSessions>();
        sessions.Adopt("never-connected");
        await Poll.UntilAsync(() => server.Logs.Messages("MqttPeerSessions").Any(static m => m.Contains("No broker session kept for 'never-connected'", StringComparison.Ordinal)), s_timeout, () => "no log of the refusal");
        Assert.Empty(sessions.Adopted);
        Assert.True(sessions.Absent("never-connected"), "a cluster node would try the absent session again every minute");

        // The attempt's DISCONNECT set the session it made to expire a second later: give the broker time to end it.
        await Task.Delay(TimeSpan.FromSeconds(3));
        using var probe = new MqttClientFactory().CreateMqttClient();
        var options = new MqttConnectionSettings("127.0.0.1", broker.Port).CreateClientOptions("never-connected").WithCleanStart(false).WithSessionExpiryInterval(60).Build();
        var result = await probe.ConnectAsync(options);
        Assert.False(result.IsSessionPresent, "the adoption attempt left a session behind");
        await probe.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithSessionExpiryInterval(0).Build());
    }

    [Fact]
    public async Task EveryConnectOfAnAdoption_AsksForTheOwnersSessionExpiry_SoALostDisconnectCostsNoSession()
    {
        // A connect sets the session's expiry. An adoption that once probed with a second of it lost the dead node's
        // session, subscription and queued share whenever that connection's DISCONNECT was lost: under load a
        // connection closed with the backlog unread ends in a reset, and 4 of 18 node-down soak cases at 200 wearables
        // never adopted. mosquitto does not show a CONNECT's properties, so an MQTTnet broker here records them.
        var connects = new System.Collections.Concurrent.ConcurrentQueue<(string ClientId, bool CleanStart, uint Expiry)>();
        var port = ServerHost.FreePort();
        using var broker = new MQTTnet.Server.MqttServerFactory().CreateMqttServer(
            new MQTTnet.Server.MqttServerOptionsBuilder().WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(System.Net.IPAddress.Loopback).WithDefaultEndpointPort(port).WithPersistentSessions().Build());
        broker.ValidatingConnectionAsync += e =>
        {
            connects.Enqueue((e.ClientId, e.CleanSession == true, e.SessionExpiryInterval));
            return Task.CompletedTask;
        };
        await broker.StartAsync();
        try
        {
            // worker-a's session: subscribed, then away with a normal disconnect; a share is queued for it.
            var settings = new MqttConnectionSettings("127.0.0.1", port);
            using (var owner = new MqttClientFactory().CreateMqttClient())
            {
                await owner.ConnectAsync(settings.CreateClientOptions("worker-a").WithCleanStart(false).WithSessionExpiryInterval(3600).Build());
                await owner.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("wearables/+/accel", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
                await owner.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build());
            }

            using var cts = new CancellationTokenSource(s_timeout);
            await using (var device = new Device("adopt-2", settings, new MotionScript().Walk(60), seed: 7))
            {
                await device.PublishAsync(40, TimeSpan.FromMilliseconds(2), cts.Token);
            }

            await using var b = await ServerHost.StartAsync(("Mqtt:Url", $"mqtt://127.0.0.1:{port}"), ("Mqtt:ClientId", "worker-b"), ("Mqtt:SessionExpiry", "02:00:00"));
            var sessions = b.Services.GetRequiredService<IPeerSessions>();
            var seen = 0;
            using var subscription = b.Pipeline.Frames.Subscribe(_ => Interlocked.Increment(ref seen));
            var before = connects.Count;
            sessions.Adopt("worker-a");
            await Poll.UntilAsync(() => Volatile.Read(ref seen) >= 40, s_timeout, () => $"{Volatile.Read(ref seen)} of the 40 queued frames came through the adoption; {string.Join(" / ", b.Logs.Messages("MqttPeerSessions").TakeLast(4))}");
            Assert.Equal(["worker-a"], sessions.Adopted);

            var adoption = connects.Skip(before).Where(static c => c.ClientId == "worker-a").ToList();
            Assert.NotEmpty(adoption);
            Assert.All(adoption, static c => Assert.Equal((false, 7200u), (c.CleanStart, c.Expiry)));
        }
        finally
        {
            await broker.StopAsync(new MQTTnet.Server.MqttServerStopOptions());
        }
    }

    private static double Metric(string exposition, string name) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal))
            .Select(static l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .Single();
}
