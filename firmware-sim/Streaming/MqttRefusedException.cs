namespace StabilityMonitor.FirmwareSim.Streaming;

/// <summary>The broker refused for good (credentials, ACL): retrying will not help.</summary>
internal sealed class MqttRefusedException : Exception
{
    public MqttRefusedException()
    {
    }

    public MqttRefusedException(string message)
        : base(message)
    {
    }

    public MqttRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
