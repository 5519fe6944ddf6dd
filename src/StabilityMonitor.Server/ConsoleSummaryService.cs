using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Pipeline;

namespace StabilityMonitor.Server;

/// <summary>Prints where the server listens once it has started, then a one-line summary every <see cref="ServerOptions.SummaryInterval"/>.</summary>
internal sealed class ConsoleSummaryService : IHostedService, IDisposable
{
    private readonly MetricsRegistry _metrics;
    private readonly IServer _server;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ServerOptions _options;
    private readonly MqttOptions _mqtt;
    private readonly WardOptions _ward;
    private readonly IScheduler _scheduler;
    private readonly TextWriter _out;
    private IDisposable? _subscription;
    private CancellationTokenRegistration _started;

    public ConsoleSummaryService(
        MetricsRegistry metrics,
        IServer server,
        IHostApplicationLifetime lifetime,
        IOptions<ServerOptions> options,
        IOptions<MqttOptions> mqtt,
        IOptions<WardOptions> ward,
        IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mqtt);
        ArgumentNullException.ThrowIfNull(ward);
        _metrics = metrics;
        _server = server;
        _lifetime = lifetime;
        _options = options.Value;
        _mqtt = mqtt.Value;
        _ward = ward.Value;
        _scheduler = scheduler;
        _out = Console.Out;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = _lifetime.ApplicationStarted.Register(PrintBanner);
        if (_options.SummaryInterval > TimeSpan.Zero)
        {
            _subscription = _metrics.Observe(_options.SummaryInterval, _scheduler)
                .Scan((Previous: _metrics.Snapshot(), Current: _metrics.Snapshot()), static (acc, next) => (acc.Current, next))
                .Subscribe(pair => _out.WriteLine(Format(pair.Previous, pair.Current)));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _started.Dispose();
    }

    internal static string Format(MetricsSnapshot previous, MetricsSnapshot current)
    {
        var seconds = Math.Max(0.001, (current.At - previous.At).TotalSeconds);
        var rate = (current.Frames - previous.Frames) / seconds;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[{current.At:HH:mm:ss}] devices online {current.DevicesOnline}/{current.DevicesKnown} | frames/s {rate:F1} | rejected {current.Rejected} | lost {current.Lost} | duplicates {current.Duplicates} | events: near-fall {current.NearFalls}, fall {current.Falls}, sway {current.SwayEvents}");
    }

    private void PrintBanner()
    {
        var addresses = _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var broker = _mqtt.UsesEmbeddedBroker ? $"embedded broker on {_mqtt.EmbeddedBindAddress}:{_mqtt.EmbeddedPort}" : $"broker {_mqtt.Url}";
        var ward = WardHosting.IsEnabled(_ward, _mqtt) ? $"simulated ward of {_ward.Devices} wearables" : "no simulated ward";
        foreach (var address in addresses)
        {
            _out.WriteLine($"StabilityMonitor listening on {address} ({broker}, {ward}); sign in at {address}/ or POST {address}/api/auth/login, then {address}/api/alerts; {address}/metrics needs no login");
        }
    }
}
