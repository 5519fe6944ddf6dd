using StabilityMonitor.Mqtt;

namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>What <c>firmware-sim load</c> offers the broker, and where it watches for the near-falls it injects.</summary>
internal sealed record LoadSettings
{
    public required MqttConnectionSettings Broker { get; init; }

    /// <summary>Emulated wearables.</summary>
    public int Devices { get; init; } = 100;

    /// <summary>Device ids are this prefix and a number (load-00001, ...).</summary>
    public string IdPrefix { get; init; } = "load-";

    public int RateHz { get; init; } = 50;

    public int SamplesPerFrame { get; init; } = 25;

    /// <summary>QoS 0 instead of 1.</summary>
    public bool AtMostOnce { get; init; }

    /// <summary>MQTT connections the devices share, gateway style; 0 = one connection per device.</summary>
    public int Connections { get; init; } = 4;

    /// <summary>Unacknowledged publishes per connection.</summary>
    public int InFlight { get; init; } = 256;

    /// <summary>Steady mode: how long every device streams in real time.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Burst mode when set: this many frames in all, as fast as the broker acknowledges.</summary>
    public long? BurstFrames { get; init; }

    /// <summary>Near-falls injected (steady mode), each on a different device, spread over the run.</summary>
    public int NearFalls { get; init; }

    /// <summary>Server base URL whose dashboard hub reports the injected near-falls; none = latency not measured.</summary>
    public Uri? Server { get; init; }

    /// <summary>Watch the near-falls on the dashboard hub (falling back to the event API when it is absent), or only the event API.</summary>
    public bool WatchEventsOnly { get; init; }

    public string ServerUser { get; init; } = "admin";

    public string? ServerPassword { get; init; }

    /// <summary>After the last publish, how long to wait for the alerts of the injected near-falls.</summary>
    public TimeSpan AlertWait { get; init; } = TimeSpan.FromSeconds(15);

    public int Seed { get; init; } = 1;

    public string ClientIdPrefix { get; init; } = "fwload-";

    /// <summary>Device time of every device's first frame; default now.</summary>
    public long? StartMicros { get; init; }
}
