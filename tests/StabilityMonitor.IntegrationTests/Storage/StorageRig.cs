using StabilityMonitor.Mqtt;

namespace StabilityMonitor.IntegrationTests.Storage;

/// <summary>
/// Real mosquitto and real influxd (v1 API) on free loopback ports, and the server in-process configured for both
/// with short flush and retry times. Disposed in reverse order.
/// </summary>
internal sealed class StorageRig : IAsyncDisposable
{
    private StorageRig(MosquittoBroker broker, InfluxdServer influx, ServerHost server)
    {
        Broker = broker;
        Influx = influx;
        Server = server;
        Recorder = new PipelineRecorder(server.Pipeline);
    }

    public MosquittoBroker Broker { get; }

    public InfluxdServer Influx { get; }

    public ServerHost Server { get; }

    /// <summary>What the pipeline produced since the server was ready (before any device published).</summary>
    public PipelineRecorder Recorder { get; }

    public MqttConnectionSettings BrokerSettings => new("127.0.0.1", Broker.Port);

    /// <summary>Starts the servers; influxd only when <paramref name="startInflux"/> (else its port is reserved for later).</summary>
    public static async Task<StorageRig> StartAsync(string clientId, bool startInflux = true, params (string Key, string Value)[] settings)
    {
        var broker = await MosquittoBroker.StartAsync();
        var influx = new InfluxdServer(start: startInflux);
        try
        {
            (string, string)[] all =
            [
                ("Mqtt:Url", broker.Url),
                ("Mqtt:ClientId", clientId),
                ("Influx:Url", influx.Url),
                ("Influx:ApiVersion", "v1"),
                ("Influx:Database", InfluxPoints.Database),
                ("Influx:FlushInterval", "00:00:00.100"),
                ("Influx:RetryInitialDelay", "00:00:00.100"),
                ("Influx:RetryMaxDelay", "00:00:00.500"),
                ("Influx:RequestTimeout", "00:00:05"),
                .. settings,
            ];
            var server = await ServerHost.StartAsync(all);
            return new StorageRig(broker, influx, server);
        }
        catch
        {
            influx.Dispose();
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until influxd holds at least <paramref name="count"/> event and window points and the journal is empty; returns them ordered.</summary>
    public async Task<IReadOnlyList<PointKey>> WaitStoredAsync(int count, TimeSpan timeout)
    {
        IReadOnlyList<PointKey> stored = [];
        await Poll.UntilAsync(
            () =>
            {
                stored = [.. InfluxPoints.EventsAsync(Influx).GetAwaiter().GetResult().Concat(InfluxPoints.WindowsAsync(Influx).GetAwaiter().GetResult()).Order()];
                return stored.Count >= count && Server.StoreMetrics.BacklogPoints == 0;
            },
            timeout,
            () => $"{stored.Count} of {count} points stored, backlog {Server.StoreMetrics.BacklogPoints}");
        return stored;
    }

    /// <summary>Waits until the stored per-interval quality points add up to every sample the pipeline processed; returns that number.</summary>
    public async Task<long> WaitQualitySamplesAsync(TimeSpan timeout)
    {
        var samples = Server.Pipeline.GetDevices().Sum(static d => d.Quality.Samples);
        long stored = 0;
        await Poll.UntilAsync(
            () => (stored = InfluxPoints.ScalarAsync(Influx, "SELECT sum(samples) FROM quality").GetAwaiter().GetResult()) == samples,
            timeout,
            () => $"quality points add up to {stored} of {samples} samples");
        return samples;
    }

    public async ValueTask DisposeAsync()
    {
        Recorder.Dispose();
        await Server.DisposeAsync();
        Influx.Dispose();
        await Broker.DisposeAsync();
    }
}
