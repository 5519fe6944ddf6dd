using StabilityMonitor.Mqtt;

namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>What <c>firmware-sim bare-sub</c> subscribes to and when it stops.</summary>
internal sealed record BareSubscriberSettings
{
    public required MqttConnectionSettings Broker { get; init; }

    public string ClientId { get; init; } = "fwsim-bare-sub";

    public string Topic { get; init; } = "wearables/+/accel";

    public bool AtMostOnce { get; init; }

    /// <summary>Only create the persistent session and leave, so the broker queues for it (burst measurements).</summary>
    public bool Prepare { get; init; }

    /// <summary>Stop after this many messages; null = after <see cref="Idle"/>.</summary>
    public long? Expect { get; init; }

    /// <summary>
    /// Messages taken before the measured ones (not in the figures; <see cref="Expect"/> counts after them). When they
    /// are in, <c>{"warm":N}</c> goes to standard error, so a script can queue the measured burst for a warmed client.
    /// </summary>
    public long WarmUp { get; init; }

    /// <summary>Stop when nothing arrived for this long (after the first message).</summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Give up after this long in all.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The receive maximum the server's worker uses (Mqtt:ReceiveMaximum), for a like-for-like ceiling.</summary>
    public ushort ReceiveMaximum { get; init; } = 2048;

    public TimeSpan SessionExpiry { get; init; } = TimeSpan.FromHours(1);
}
