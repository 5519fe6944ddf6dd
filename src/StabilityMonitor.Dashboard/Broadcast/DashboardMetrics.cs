using System.Globalization;

namespace StabilityMonitor.Dashboard.Broadcast;

/// <summary>
/// The dashboard's counters and the alert latency histogram, written with the pipeline's metrics on <c>/metrics</c>.
/// Messages are counted per group send (one send reaches every connection of the group), not per connection.
/// </summary>
internal sealed class DashboardMetrics
{
    private static readonly MessageKind[] s_kinds = Enum.GetValues<MessageKind>();
    private readonly long[] _messages = new long[s_kinds.Length];
    private readonly long[] _dropped = new long[s_kinds.Length];
    private long _coalesced;

    /// <summary>Arrival (frame processed) to hub send completed, for alerts raised by a detector.</summary>
    public LatencyHistogram AlertLatency { get; } = new();

    public long Coalesced => Interlocked.Read(ref _coalesced);

    public long Messages(MessageKind kind) => Interlocked.Read(ref _messages[(int)kind]);

    public long Dropped(MessageKind kind) => Interlocked.Read(ref _dropped[(int)kind]);

    public void AddMessage(MessageKind kind) => Interlocked.Increment(ref _messages[(int)kind]);

    public void AddDropped(MessageKind kind) => Interlocked.Increment(ref _dropped[(int)kind]);

    public void AddCoalesced() => Interlocked.Increment(ref _coalesced);

    public void WritePrometheus(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Labelled(writer, "stability_dashboard_messages_total", "Hub messages sent, per group send, by kind.", _messages);
        Labelled(writer, "stability_dashboard_dropped_total", "Metrics and state messages dropped because a group's queue was full (slow consumers), by kind.", _dropped);
        writer.Write("# HELP stability_dashboard_coalesced_total Sway windows replaced by a newer one of the same wearable before the metrics flush.\n");
        writer.Write("# TYPE stability_dashboard_coalesced_total counter\n");
        writer.Write(string.Create(CultureInfo.InvariantCulture, $"stability_dashboard_coalesced_total {Coalesced}\n"));
        AlertLatency.WritePrometheus(writer, "stability_alert_hub_latency_seconds", "Detector alerts: frame processed to hub send completed, s.");
    }

    private static void Labelled(TextWriter writer, string name, string help, long[] values)
    {
        writer.Write($"# HELP {name} {help}\n# TYPE {name} counter\n");
        foreach (var kind in s_kinds)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{name}{{kind=\"{kind.ToString().ToLowerInvariant()}\"}} {Interlocked.Read(ref values[(int)kind])}\n"));
        }
    }
}
