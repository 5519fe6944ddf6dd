using System.Net;
using System.Net.Sockets;
using MQTTnet.Channel;

namespace StabilityMonitor.Mqtt;

/// <summary>The stream of a <see cref="MqttSocketStreamProvider"/> connection; owns its socket and tells MQTTnet its endpoints (for its logs).</summary>
internal sealed class MqttSocketStream : NetworkStream, IMqttClientStreamEndPoints
{
    public MqttSocketStream(Socket socket)
        : base(socket, ownsSocket: true)
    {
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
    }

    public EndPoint? LocalEndPoint { get; }

    public EndPoint? RemoteEndPoint { get; }
}
