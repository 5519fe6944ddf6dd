using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace StabilityMonitor.Mqtt;

/// <summary>
/// The embedded broker (MQTTnet.Server) started when <see cref="MqttOptions.Url"/> is empty: anonymous, plain
/// TCP, loopback by default, persistent sessions in memory. For a single machine and development; real
/// deployments use mosquitto with deploy/mosquitto.
/// </summary>
internal sealed class EmbeddedMqttBroker : IHostedService, IDisposable
{
    private readonly MqttOptions _options;
    private readonly MqttConnectionState _state;
    private readonly ILogger _logger;
    private MqttServer? _server;

    public EmbeddedMqttBroker(IOptions<MqttOptions> options, MqttConnectionState state, ILogger<EmbeddedMqttBroker> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _state = state;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(_options.EmbeddedBindAddress);
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(_options.EmbeddedPort)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(_options.EmbeddedMaxPendingMessages)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
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
