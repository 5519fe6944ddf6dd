using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace StabilityMonitor.Mqtt;

/// <summary>
/// The embedded broker's TCP listener, in place of MQTTnet's default one: it listens on exactly the configured
/// address (the default adapter also binds every IPv6 address unless told not to) and puts a
/// <see cref="MqttPacketSizeLimitStream"/> under each connection. An oversized packet gets an MQTT 5 DISCONNECT
/// with reason Packet too large (0x95), as MQTT 5 section 3.2.2.3.6 asks, and the connection is closed.
/// </summary>
internal sealed class EmbeddedBrokerTcpAdapter : IMqttServerAdapter
{
    private readonly IPEndPoint _endpoint;
    private readonly int _maxPacketBytes;
    private readonly EmbeddedBrokerRefusals _refusals;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private MqttServerOptions? _serverOptions;
    private IMqttNetLogger? _mqttLogger;

    public EmbeddedBrokerTcpAdapter(IPEndPoint endpoint, int maxPacketBytes, EmbeddedBrokerRefusals refusals, ILogger logger)
    {
        _endpoint = endpoint;
        _maxPacketBytes = maxPacketBytes;
        _refusals = refusals;
        _logger = logger;
    }

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _serverOptions = options;
        _mqttLogger = logger;
        var listener = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_endpoint.AddressFamily == AddressFamily.InterNetworkV6 && _endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }

            listener.Bind(_endpoint);
            listener.Listen(100);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _acceptLoop = AcceptAsync(listener, _stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener?.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A connection that failed while being accepted: the listener itself is fine.
                MqttIngestLog.BrokerConnectionFailed(_logger, ex, "accept");
                continue;
            }

            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(Socket socket)
    {
        var remote = socket.RemoteEndPoint;
        try
        {
            socket.NoDelay = true;
            var limited = new MqttPacketSizeLimitStream(new NetworkStream(socket, ownsSocket: true), _maxPacketBytes);
            await using (limited.ConfigureAwait(false))
            {
                var channel = new MqttTcpChannel(limited, socket.LocalEndPoint, remote, null);
                var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(_serverOptions!.WriterBufferSize, _serverOptions.WriterBufferSizeMax));
                using var adapter = new MqttChannelAdapter(channel, formatter, _mqttLogger);
                limited.PacketTooLarge = declared => RefuseAsync(adapter, remote, declared);
                if (ClientHandler is { } handler)
                {
                    await handler(adapter).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MqttIngestLog.BrokerConnectionFailed(_logger, ex, remote?.ToString() ?? "?");
        }
    }

    private async ValueTask RefuseAsync(MqttChannelAdapter adapter, EndPoint? remote, long declared)
    {
        if (_refusals.Add(BrokerRefusal.OversizedPacket, out var unlogged))
        {
            MqttIngestLog.BrokerPacketTooLarge(_logger, remote?.ToString() ?? "?", declared, _maxPacketBytes, unlogged);
        }

        // MQTT 3.1.1 has no DISCONNECT from the server, and before CONNECT the version is unknown: just close.
        if (adapter.PacketFormatterAdapter.ProtocolVersion != MqttProtocolVersion.V500)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await adapter.SendPacketAsync(new MqttDisconnectPacket { ReasonCode = MqttDisconnectReasonCode.PacketTooLarge }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MqttIngestLog.BrokerConnectionFailed(_logger, ex, remote?.ToString() ?? "?");
        }
    }
}
