using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Streaming;

/// <summary>One emulated device's messages in due-time order: a scenario wearer or a replayed recording.</summary>
internal interface IDeviceStream
{
    string Id { get; }

    string AccelTopic { get; }

    string StatusTopic { get; }

    /// <summary>Run time of the last message, s, when known (for progress); null otherwise.</summary>
    double? EndSeconds { get; }

    bool TryNext(out OutboundMessage message);
}
