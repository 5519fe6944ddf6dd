using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Mqtt;

/// <summary>
/// The embedded broker (MQTTnet.Server) started when <see cref="MqttOptions.Url"/> is empty: plain TCP, loopback
/// by default, persistent sessions in memory, every client authenticated and held to its own topics
/// (<see cref="EmbeddedBrokerAccessControl"/>), packets capped at <see cref="MqttOptions.EmbeddedMaxPacketBytes"/>.
/// For a single machine and development; real deployments use mosquitto with deploy/mosquitto.
/// </summary>
internal sealed class EmbeddedMqttBroker : IHostedService, IDisposable
{
    private readonly MqttOptions _options;
    private readonly MqttConnectionState _state;
    private readonly EmbeddedBrokerAccessControl _access;
    private readonly EmbeddedBrokerRefusals _refusals;
    private readonly ILogger _logger;
    private MqttServer? _server;

    public EmbeddedMqttBroker(
        IOptions<MqttOptions> options,
        MqttConnectionState state,
        EmbeddedBrokerCredentials credentials,
        IDeviceRegistry registry,
        EmbeddedBrokerRefusals refusals,
        MetricsRegistry metrics,
        ILogger<EmbeddedMqttBroker> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _options = options.Value;
        _state = state;
        _refusals = refusals;
        _logger = logger;
        _access = new EmbeddedBrokerAccessControl(credentials, registry, refusals, logger, _options.EmbeddedGatewayUsername, _options.EmbeddedGatewayPassword);
        metrics.AddCounter("stability_mqtt_broker_refused_connections_total", "Connections the embedded broker refused (anonymous, bad credentials, client id not allowed).", () => refusals.Count(BrokerRefusal.Connection));
        metrics.AddCounter("stability_mqtt_broker_refused_publishes_total", "Publishes the embedded broker refused (topic of another device).", () => refusals.Count(BrokerRefusal.Publish));
        metrics.AddCounter("stability_mqtt_broker_refused_subscriptions_total", "Subscriptions the embedded broker refused (wildcards or other devices' topics).", () => refusals.Count(BrokerRefusal.Subscription));
        metrics.AddCounter("stability_mqtt_broker_oversized_packets_total", "Connections the embedded broker closed for a packet over Mqtt:EmbeddedMaxPacketBytes.", () => refusals.Count(BrokerRefusal.OversizedPacket));
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = new IPEndPoint(IPAddress.Parse(_options.EmbeddedBindAddress), _options.EmbeddedPort);
        var serverOptions = new MqttServerOptionsBuilder()
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(_options.EmbeddedMaxPendingMessages)
            .Build();
        var adapter = new EmbeddedBrokerTcpAdapter(endpoint, _options.EmbeddedMaxPacketBytes, _refusals, _logger);
        _server = new MqttServerFactory().CreateMqttServer(serverOptions, [adapter]);
        _server.ValidatingConnectionAsync += _access.ValidateConnectionAsync;
        _server.InterceptingPublishAsync += _access.InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += _access.InterceptSubscriptionAsync;
        try
        {
            await _server.StartAsync().ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException ex) when (ex.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
        {
            // Typically a system mosquitto on 1883: say what to do instead of a bare socket error.
            throw new InvalidOperationException(
                $"The embedded MQTT broker cannot listen on {_options.EmbeddedBindAddress}:{_options.EmbeddedPort}: the port is in use "
                + "(another MQTT broker?). Set Mqtt:EmbeddedPort (env Mqtt__EmbeddedPort) to a free port, "
                + "or Mqtt:Url (env Mqtt__Url) to use the broker that is already running.",
                ex);
        }

        _state.SetEmbeddedRunning(true);
        MqttIngestLog.EmbeddedStarted(_logger, _options.EmbeddedBindAddress, _options.EmbeddedPort);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            await server.StopAsync().ConfigureAwait(false);
            _state.SetEmbeddedRunning(false);
            MqttIngestLog.EmbeddedStopped(_logger);
        }
    }

    public void Dispose() => _server?.Dispose();
}
