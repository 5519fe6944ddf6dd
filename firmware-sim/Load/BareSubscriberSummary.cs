namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>What <c>firmware-sim bare-sub</c> prints (JSON, snake_case).</summary>
internal sealed record BareSubscriberSummary
{
    public required long Received { get; init; }

    public required bool TimedOut { get; init; }

    /// <summary>First to last message, s.</summary>
    public required double FirstToLastSeconds { get; init; }

    /// <summary>Connect to last message, s (includes the broker's start of delivery).</summary>
    public required double ConnectToLastSeconds { get; init; }

    /// <summary>Messages per second, first to last.</summary>
    public required double Rate { get; init; }

    /// <summary>Process CPU (user + system) from connect (or the end of the warm-up) to the end, per message, µs.</summary>
    public required double CpuMicrosPerMessage { get; init; }

    /// <summary>Bytes the process allocated from connect (or the end of the warm-up) to the end, per message (MQTTnet's own cost: the handler allocates nothing).</summary>
    public required double AllocatedBytesPerMessage { get; init; }

    public required long WorkingSetBytes { get; init; }

    /// <summary>Messages received before the figures above began (a warmed-up client: <c>--warm-up</c>); 0: none.</summary>
    public long WarmUp { get; init; }
}
