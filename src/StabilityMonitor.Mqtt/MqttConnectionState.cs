namespace StabilityMonitor.Mqtt;

/// <summary>The worker's broker connection as seen by health checks and metrics.</summary>
public sealed class MqttConnectionState
{
    private long _connects;
    private long _messages;
    private volatile bool _connected;
    private volatile bool _embeddedRunning;

    /// <summary>Whether the worker is connected and subscribed.</summary>
    public bool IsConnected => _connected;

    /// <summary>Successful connections (the first one and every reconnection).</summary>
    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>Messages received from the broker.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Whether the embedded broker is running (false when an external broker is used).</summary>
    public bool EmbeddedBrokerRunning => _embeddedRunning;

    internal void SetConnected(bool connected)
    {
        if (connected)
        {
            Interlocked.Increment(ref _connects);
        }

        _connected = connected;
    }

    internal void SetEmbeddedRunning(bool running) => _embeddedRunning = running;

    internal void AddMessage() => Interlocked.Increment(ref _messages);
}
