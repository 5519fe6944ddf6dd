namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>What a simulated wearable does next on its MQTT connection.</summary>
public enum OutboundKind : byte
{
    /// <summary>Connect (with the will <c>{"online":false}</c>), then publish <see cref="OutboundMessage.Payload"/> as the retained status.</summary>
    Connect = 0,

    /// <summary>Publish a sample frame on the accel topic.</summary>
    Frame = 1,

    /// <summary>Publish the retained status.</summary>
    Status = 2,

    /// <summary>Publish a malformed payload on the accel topic.</summary>
    Malformed = 3,

    /// <summary>Drop the connection so that the broker sends the will (power loss, out of range).</summary>
    Drop = 4,

    /// <summary>Publish <c>{"online":false}</c> and disconnect cleanly: the end of the run.</summary>
    Shutdown = 5,
}
