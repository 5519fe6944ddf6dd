using StabilityMonitor.Mqtt;

namespace StabilityMonitor.IntegrationTests.Storage;

/// <summary>
/// Real mosquitto and real influxd (v1 API) on free loopback ports, and the server in-process configured for both
/// with short flush and retry times. Disposed in reverse order.
/// </summary>
internal sealed class StorageRig : IAsyncDisposable
{
    private StorageRig(MosquittoBroker broker, InfluxdServer influx, RecordingInfluxProxy? proxy, ServerHost server)
    {
        Broker = broker;
        Influx = influx;
        Proxy = proxy;
        Server = server;
        Recorder = new PipelineRecorder(server.Pipeline);
    }

    public MosquittoBroker Broker { get; }

    public InfluxdServer Influx { get; }

    public ServerHost Server { get; }

    /// <summary>The recording proxy the server writes through (<see cref="StartRecordedAsync"/>), else null.</summary>
    public RecordingInfluxProxy? Proxy { get; }

    /// <summary>What the pipeline produced since the server was ready (before any device published).</summary>
    public PipelineRecorder Recorder { get; }

    public MqttConnectionSettings BrokerSettings => new("127.0.0.1", Broker.Port);

    /// <summary>Starts the servers; influxd only when <paramref name="startInflux"/> (else its port is reserved for later).</summary>
    public static Task<StorageRig> StartAsync(string clientId, bool startInflux = true, params (string Key, string Value)[] settings) =>
        StartCoreAsync(clientId, startInflux, recorded: false, settings);

    /// <summary>
    /// Like <see cref="StartAsync"/> with influxd started, but the server writes through a <see cref="RecordingInfluxProxy"/>,
    /// which counts what was sent: reading influxd back cannot show a point sent twice (it keeps one per identity).
    /// </summary>
    public static Task<StorageRig> StartRecordedAsync(string clientId, params (string Key, string Value)[] settings) =>
        StartCoreAsync(clientId, startInflux: true, recorded: true, settings);

    private static async Task<StorageRig> StartCoreAsync(string clientId, bool startInflux, bool recorded, (string Key, string Value)[] settings)
    {
        var broker = await MosquittoBroker.StartAsync();
        var influx = new InfluxdServer(start: startInflux);
        RecordingInfluxProxy? proxy = null;
        try
        {
            proxy = recorded ? await RecordingInfluxProxy.StartAsync(influx.Url) : null;
            (string, string)[] all =
            [
                ("Mqtt:Url", broker.Url),
                ("Mqtt:ClientId", clientId),
                ("Influx:Url", proxy?.Url ?? influx.Url),
                ("Influx:ApiVersion", "v1"),
                ("Influx:Database", InfluxPoints.Database),
                ("Influx:FlushInterval", "00:00:00.100"),
                ("Influx:RetryInitialDelay", "00:00:00.100"),
                ("Influx:RetryMaxDelay", "00:00:00.500"),
                ("Influx:RequestTimeout", "00:00:05"),
                .. settings,
            ];
            var server = await ServerHost.StartAsync(all);
            return new StorageRig(broker, influx, proxy, server);
        }
        catch
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync();
            }

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

    /// <summary>
    /// Events and windows as the proxy saw influxd acknowledge them, with how many times each was acknowledged
    /// (needs <see cref="StartRecordedAsync"/>).
    /// </summary>
    public IReadOnlyDictionary<PointKey, int> AcknowledgedWrites() => ToPointKeys(Proxy!.Acknowledged);

    /// <summary>Events and windows forwarded in a request that got no answer (influxd killed meanwhile).</summary>
    public IReadOnlyDictionary<PointKey, int> InDoubtWrites() => ToPointKeys(Proxy!.InDoubt);

    public async ValueTask DisposeAsync()
    {
        Recorder.Dispose();
        await Server.DisposeAsync();
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        Influx.Dispose();
        await Broker.DisposeAsync();
    }

    private static Dictionary<PointKey, int> ToPointKeys(IReadOnlyDictionary<string, int> counts)
    {
        var keys = new Dictionary<PointKey, int>();
        foreach ((string key, int count) in counts)
        {
            string measurement = RecordingInfluxProxy.MeasurementOf(key);
            if (measurement is not ("events" or "sway"))
            {
                continue;
            }

            // Test device ids, kinds and facilities hold no escaped characters, so a plain split is exact here.
            string[] parts = key.Split(' ');
            var tags = parts[0].Split(',').Skip(1).Select(static t => t.Split('=')).ToDictionary(static t => t[0], static t => t[1]);
            var point = new PointKey(measurement, tags["device"], tags.GetValueOrDefault("kind", ""), long.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture));
            keys[point] = count;
        }

        return keys;
    }
}
