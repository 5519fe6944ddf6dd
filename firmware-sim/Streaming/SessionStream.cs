using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Streaming;

/// <summary>A scenario wearer as a device stream.</summary>
internal sealed class SessionStream(WearableSession session, double durationSeconds) : IDeviceStream
{
    public WearableSession Session { get; } = session;

    public string Id => Session.Id;

    public string AccelTopic => Session.AccelTopic;

    public string StatusTopic => Session.StatusTopic;

    public double? EndSeconds => durationSeconds;

    public bool TryNext(out OutboundMessage message) => Session.TryNext(out message);
}
