using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Server;

/// <summary>
/// The hand-over from the pipeline to the metric store (configuration section <c>StoreBridge</c>). The pipeline
/// never waits for storage: it puts events and windows on two bounded queues that the bridge moves into the
/// store's journal on its own tasks.
/// </summary>
public sealed class StoreBridgeOptions
{
    public const string SectionName = "StoreBridge";

    /// <summary>
    /// Events (near-fall, fall, sway, online/offline) waiting for the journal. Events are never dropped: they use
    /// the journal's reserved space, and only when that reserve and this queue are both exhausted does the pipeline
    /// wait. Default 10 000; 1..1 000 000.
    /// </summary>
    [Range(1, 1_000_000)]
    public int EventQueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Sway windows waiting for the journal. When the journal is full the bridge waits for space (back-pressure on
    /// this queue only); when the queue is full too, new windows are dropped and counted
    /// (<c>stability_store_windows_dropped_total</c>) so that alerts never wait for storage.
    /// Default 20 000 (about 28 h of windows of one wearable, or 17 min of 100); 1..10 000 000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int WindowQueueCapacity { get; set; } = 20_000;

    /// <summary>
    /// How often each device's data quality (samples, gaps, decode errors, rate, battery over the interval) is
    /// stored; zero turns it off. A point is written only for devices whose device time advanced. Default 60 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan QualityInterval { get; set; } = TimeSpan.FromSeconds(60);
}
