using StabilityMonitor.FirmwareSim.Scoring;
using StabilityMonitor.FirmwareSim.Streaming;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.IntegrationTests.Simulator;

/// <summary>Real mosquitto + the real server, and the simulator's own parts (sessions, MQTT runner, scorer) against them.</summary>
internal sealed class SimulatorHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private SimulatorHarness(MosquittoBroker broker, ServerHost server)
    {
        Broker = broker;
        Server = server;
        Events = new ServerEventsClient(server.Http);
    }

    public MosquittoBroker Broker { get; }

    public ServerHost Server { get; }

    public ServerEventsClient Events { get; }

    public MqttConnectionSettings Mqtt => new("127.0.0.1", Broker.Port);

    public static async Task<SimulatorHarness> StartAsync(string clientId)
    {
        var broker = await MosquittoBroker.StartAsync();
        try
        {
            var server = await ServerHost.StartAsync(("Mqtt:Url", broker.Url), ("Mqtt:ClientId", clientId));
            return new SimulatorHarness(broker, server);
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Publishes the streams at <paramref name="speed"/> (0 = as fast as possible) and waits until the server saw every device go offline.</summary>
    public async Task<RunSummary> PublishAsync(IReadOnlyList<IDeviceStream> streams, double speed, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var summary = await StreamRunner.RunAsync(streams, new BrokerSettings(Mqtt, "it-", speed), null, timeout.Token);
        await WaitOfflineAsync(streams.Select(static s => s.Id));
        return summary;
    }

    /// <summary>Waits until every device's offline status (sent after its last frame on the same connection) was processed.</summary>
    public Task WaitOfflineAsync(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        return Poll.UntilAsync(
            () => list.All(id => Server.Pipeline.GetDevice(id) is { Online: false }),
            Timeout,
            () => "still online: " + string.Join(", ", list.Where(id => Server.Pipeline.GetDevice(id) is not { Online: false })) + "\n" + Server.Logs.Dump());
    }

    public async Task<ScoreReport> ScoreAsync(IReadOnlyList<GroundTruthRecord> truth, bool withQuality)
    {
        var events = await Events.GetEventsAsync(truth, TimeSpan.FromSeconds(1.5), CancellationToken.None);
        var quality = withQuality ? await Events.GetQualityAsync(CancellationToken.None) : null;
        return Scorer.Score(truth, events, TimeSpan.FromSeconds(1.5), quality);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
