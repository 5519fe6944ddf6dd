using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StabilityMonitor.Cluster.Grains;
using StabilityMonitor.Pipeline;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Cluster.Tests;

/// <summary>
/// One server as a silo in this process: the pipeline (<c>AddStabilityPipeline</c>) and the cluster
/// (<c>AddStabilityCluster</c>) on free loopback ports, recording every event its pipeline publishes.
/// </summary>
internal sealed class Silo : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly IDisposable _subscription;
    private bool _stopped;

    // Every host made in this process, weakly: a memory measurement waits until the earlier ones are gone.
    private static readonly List<WeakReference> s_hosts = [];

    private Silo(IHost host)
    {
        _host = host;
        lock (s_hosts)
        {
            s_hosts.Add(new WeakReference(host));
        }

        Pipeline = host.Services.GetRequiredService<IngestPipeline>();
        _subscription = Pipeline.Events.Subscribe(e => Events.Enqueue(e));
    }

    public string Name { get; private init; } = string.Empty;

    /// <summary>Other silos of this process not yet collected.</summary>
    public int OthersAlive()
    {
        lock (s_hosts)
        {
            s_hosts.RemoveAll(static h => !h.IsAlive);
            return s_hosts.Count(h => !ReferenceEquals(h.Target, _host));
        }
    }

    public IngestPipeline Pipeline { get; }

    /// <summary>Whether an Orleans runtime identity (<c>S127.0.0.1:port:generation</c>) is this silo's.</summary>
    public bool Holds(string runtimeIdentity) => runtimeIdentity.Contains(Name + ":", StringComparison.Ordinal);

    public ConcurrentQueue<DeviceEvent> Events { get; } = new();

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IWearableGrain Wearable(string id) => Grains.GetGrain<IWearableGrain>(id);

    /// <summary>The silos this one sees active in the cluster's membership.</summary>
    public int ActiveSilos => _host.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(static m => m.Status == SiloStatus.Active);

    /// <summary>
    /// Waits until this silo sees <paramref name="count"/> silos active: before that, a grain first called here may be
    /// activated here although another silo, seeing more of the cluster, already holds it.
    /// </summary>
    public Task WaitUntilActiveAsync(int count, TimeSpan timeout) =>
        Poll.UntilAsync(() => ActiveSilos >= count, timeout, () => $"{Name} saw {ActiveSilos} of {count} silos active");

    /// <summary>This node's ingest side: what its pipeline hands to the grains.</summary>
    internal GrainRouter Router => _host.Services.GetRequiredService<GrainRouter>();

    /// <summary>Hands a frame to this node's router as its pipeline would, at frame-log position <paramref name="position"/>.</summary>
    public void Ingest(string deviceId, WearableFrame frame, long position)
    {
        var topic = Signal.Codec.DeviceId.AccelTopic(deviceId);
        Signal.Codec.DeviceId.TryParseTopic(topic, out var range, out _);
        var samples = Pipeline.Pool.Rent(frame.SampleCount);
        frame.CopySamples(samples);
        var queued = Router.ForwardAsync(IngestItem.Frame(topic, range, frame.Header, samples, 0, frame.ArrivalUnixMicros, position));
        if (!queued.IsCompletedSuccessfully)
        {
            // A full lane: wait as the pipeline's consumer would (it awaits).
            queued.AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>A silo of the PostgreSQL cluster in <paramref name="connectionString"/>, or of a loopback cluster of one.</summary>
    public static Task<Silo> StartAsync(string? connectionString, params (string Key, string Value)[] extra) => StartAsync(connectionString, null, extra);

    /// <summary>As above, with <paramref name="services"/> applied after the cluster's and the pipeline's own.</summary>
    public static async Task<Silo> StartAsync(string? connectionString, Action<IServiceCollection>? services, params (string Key, string Value)[] extra)
    {
        var siloPort = FreePort.Next();
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Cluster:Enabled"] = (connectionString is not null).ToString(CultureInfo.InvariantCulture),
            ["Cluster:ConnectionString"] = connectionString ?? string.Empty,
            ["Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Cluster:ClusterId"] = "test",
            ["Cluster:ServiceId"] = "test",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.AddStabilityCluster();
        builder.AddStabilityPipeline();
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new Silo(host) { Name = $"127.0.0.1:{siloPort}" };
    }

    /// <summary>Stops the silo as a failure would: no grace for its activations (their state is not saved on the way out).</summary>
    public async Task KillAsync()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await StopAsync(cancelled.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        _subscription.Dispose();
        try
        {
            await _host.StopAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
