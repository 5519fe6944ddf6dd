using System.Net;
using System.Net.Sockets;
using MQTTnet.Channel;

namespace StabilityMonitor.Mqtt;

/// <summary>
/// Opens the TCP connection of every client we make (worker, simulated and emulated wearables) instead of MQTTnet's
/// channel, which always sets SO_RCVBUF and SO_SNDBUF to <c>MqttClientTcpOptions.BufferSize</c> (default 8 KiB).
/// On Linux a fixed SO_RCVBUF turns off receive-buffer autotuning, so the socket stays at 16 KiB (the kernel
/// doubles the value), the TCP window stays tiny, and a broker draining a backlog is held to the window. With
/// <see cref="MqttConnectionSettings.SocketBufferBytes"/> 0 (the default) the buffers are left to the OS; TLS is
/// still layered on by MQTTnet.
/// </summary>
internal sealed class MqttSocketStreamProvider : IMqttClientStreamProvider
{
    private readonly int _bufferBytes;
    private readonly int _readBufferBytes;
    private readonly TimeSpan _ackWindow;
    private readonly Func<bool>? _beforeAcks;

    /// <param name="bufferBytes">SO_RCVBUF and SO_SNDBUF; 0 leaves them to the OS.</param>
    /// <param name="readBufferBytes">See <see cref="MqttSocketStream"/>.</param>
    /// <param name="ackWindow">See <see cref="MqttSocketStream"/>.</param>
    /// <param name="beforeAcks">See <see cref="MqttSocketStream"/>: what must succeed before held PUBACKs go (with a window).</param>
    public MqttSocketStreamProvider(int bufferBytes, int readBufferBytes = 0, TimeSpan ackWindow = default, Func<bool>? beforeAcks = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bufferBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(readBufferBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(ackWindow, TimeSpan.Zero);
        _bufferBytes = bufferBytes;
        _readBufferBytes = readBufferBytes;
        _ackWindow = ackWindow;
        _beforeAcks = beforeAcks;
    }

    /// <summary>The provider that leaves the socket buffers to the OS (autotuning), reads and writes as MQTTnet asks.</summary>
    public static MqttSocketStreamProvider OsDefault { get; } = new(0);

    public async Task<Stream> ConnectAsync(EndPoint brokerEndPoint, CancellationToken cancellationToken)
    {
        // Dual-mode IPv6 socket: connects to host names and to IPv4 or IPv6 addresses, as MQTTnet's own does.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // As MQTTnet's default: MQTT packets are small and latency matters.
            socket.NoDelay = true;
            if (_bufferBytes > 0)
            {
                socket.ReceiveBufferSize = _bufferBytes;
                socket.SendBufferSize = _bufferBytes;
            }

            await socket.ConnectAsync(brokerEndPoint, cancellationToken).ConfigureAwait(false);
            return new MqttSocketStream(socket, _readBufferBytes, _ackWindow, beforeAcks: _beforeAcks);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
