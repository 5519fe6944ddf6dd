using System.Net.Http.Json;
using System.Text.Json;
using StabilityMonitor.IntegrationTests.Storage;
using StabilityMonitor.Mqtt;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>
/// Real mosquitto, real influxd behind a <see cref="RecordingInfluxProxy"/>, and the server as a child process
/// configured for both (short flush and retry times). Disposed in reverse order.
/// </summary>
internal sealed class FaultRig : IAsyncDisposable
{
    private static readonly TimeSpan s_settleTimeout = TimeSpan.FromSeconds(90);

    private FaultRig(MosquittoBroker broker, InfluxdServer influx, RecordingInfluxProxy proxy, ServerProcess server)
    {
        Broker = broker;
        Influx = influx;
        Proxy = proxy;
        Server = server;
    }

    public MosquittoBroker Broker { get; }

    public InfluxdServer Influx { get; }

    public RecordingInfluxProxy Proxy { get; }

    public ServerProcess Server { get; }

    public MqttConnectionSettings Mqtt => new("127.0.0.1", Broker.Port);

    /// <summary>Starts everything; the server is ready (broker connected, store up) when this returns.</summary>
    /// <param name="broker">A broker to use (and own); default <see cref="MosquittoBroker.StartAsync()"/> (persistence on, autosave every second).</param>
    public static async Task<FaultRig> StartAsync(ITestOutputHelper output, string clientId, MosquittoBroker? broker = null, params (string Key, string Value)[] settings)
    {
        broker ??= await MosquittoBroker.StartAsync();
        InfluxdServer? influx = null;
        RecordingInfluxProxy? proxy = null;
        ServerProcess? server = null;
        try
        {
            influx = new InfluxdServer();
            proxy = await RecordingInfluxProxy.StartAsync(influx.Url);
            server = new ServerProcess(
                output,
                [
                    ("Mqtt:Url", broker.Url),
                    ("Mqtt:ClientId", clientId),
                    ("Influx:Url", proxy.Url),
                    ("Influx:ApiVersion", "v1"),
                    ("Influx:Database", InfluxPoints.Database),
                    ("Influx:FlushInterval", "00:00:00.100"),
                    ("Influx:RetryInitialDelay", "00:00:00.100"),
                    ("Influx:RetryMaxDelay", "00:00:00.500"),
                    ("Influx:RequestTimeout", "00:00:05"),
                    .. settings,
                ]);
            await server.StartAsync();
            return new FaultRig(broker, influx, proxy, server);
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            if (proxy is not null)
            {
                await proxy.DisposeAsync();
            }

            influx?.Dispose();
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Detector events (near-falls, falls, elevated sway) stored in influxd.</summary>
    public async Task<IReadOnlyList<PointKey>> StoredDetectorEventsAsync() =>
        [.. (await InfluxPoints.EventsAsync(Influx)).Where(static e => IsDetectorKind(e.Kind)).Order()];

    /// <summary>Per detector-event identity, how many times influxd acknowledged it (more than once = sent again).</summary>
    public IReadOnlyDictionary<string, int> AcknowledgedDetectorEvents() =>
        Proxy.AcknowledgedOf("events").Where(static p => DetectorKindOf(p.Key) is not null).ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal);

    /// <summary>
    /// Waits until the server saw every one of <paramref name="devices"/> go offline (the status each publishes after its
    /// last frame, on the same connection) and the store's backlog is empty.
    /// </summary>
    public async Task WaitSettledAsync(IReadOnlyCollection<string> devices)
    {
        var pending = devices.Count;
        long backlog = -1;
        await Poll.UntilAsync(
            async () =>
            {
                var snapshot = await Server.Http.GetFromJsonAsync<JsonElement>("/api/devices");
                var offline = snapshot.EnumerateArray()
                    .Where(static d => !d.GetProperty("online").GetBoolean())
                    .Select(static d => d.GetProperty("deviceId").GetString())
                    .ToHashSet(StringComparer.Ordinal);
                pending = devices.Count(d => !offline.Contains(d));
                backlog = (await Server.MetricsAsync()).Sum("stability_store_backlog_points");
                return pending == 0 && backlog == 0;
            },
            s_settleTimeout,
            () => $"{pending} devices not offline, store backlog {backlog}; server log:\n{Server.Log[^Math.Min(Server.Log.Length, 4000)..]}");
    }

    public static bool IsDetectorKind(string kind) => kind is "near_fall" or "fall" or "sway_elevated";

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Proxy.DisposeAsync();
        Influx.Dispose();
        await Broker.DisposeAsync();
    }

    private static string? DetectorKindOf(string key)
    {
        foreach (var tag in key.Split(' ')[0].Split(','))
        {
            if (tag.StartsWith("kind=", StringComparison.Ordinal) && IsDetectorKind(tag[5..]))
            {
                return tag[5..];
            }
        }

        return null;
    }
}
