using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Pipeline;

/// <summary>Options of the ingestion pipeline (configuration section <c>Pipeline</c>).</summary>
public sealed class PipelineOptions
{
    public const string SectionName = "Pipeline";

    /// <summary>
    /// Frames the channel between the MQTT receive handler and the consumer holds. When it is full the handler
    /// waits, so QoS 1 acknowledgements are held back (back-pressure, never loss). Default 1024.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ChannelCapacity { get; set; } = 1024;

    /// <summary>
    /// How far, in device time, a frame that arrived ahead of a missing one may run before the missing one is
    /// declared lost. Default 1 s (two frames at the recommended framing).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most frames held per device while waiting for a missing one. Default 16.</summary>
    [Range(1, 1024)]
    public int MaxHeldFrames { get; set; } = 16;

    /// <summary>
    /// A sequence number this many frames or more ahead of the expected one is taken as a device restart, not as
    /// lost frames. Default 100 000 (about 14 h at two frames a second).
    /// </summary>
    [Range(2, int.MaxValue)]
    public int ResyncFrames { get; set; } = 100_000;

    /// <summary>Wall-clock time without frames after which a device counts as offline. Default 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SilenceTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the silence timeout is checked. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan SilenceCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most devices tracked. When the table is full, a new device takes the place of the least recently seen device
    /// still on probation (<see cref="ProbationFrames"/>) once it has been silent for <see cref="ProbationEvictAfter"/>,
    /// else of the least recently seen device silent for longer than <see cref="DeviceIdleTimeout"/>; if there is none,
    /// its frames are rejected (<c>too_many_devices</c>). Default 10 000.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxDevices { get; set; } = 10_000;

    /// <summary>
    /// Frames a device must have had processed before it stops being on probation. A flood of made-up device ids
    /// sends one or two frames per id: those entries are the first to make room for a new device. Default 8 (4 s at
    /// two frames a second).
    /// </summary>
    [Range(1, 1_000_000)]
    public int ProbationFrames { get; set; } = 8;

    /// <summary>
    /// Wall-clock time without frames after which a device still on probation may be evicted when the table is full.
    /// Without it, more streaming devices than <see cref="MaxDevices"/> would evict each other on every frame and none
    /// would ever leave probation; with it, the devices beyond the bound are rejected (<c>too_many_devices</c>) while
    /// a flood of made-up ids still makes room once silent. Default 2 s (four frame periods at two frames a second).
    /// Doubled, up to <see cref="SilenceTimeout"/>, each time a device evicted on probation comes back (a backlog at the
    /// broker spaced its frames out), until none has come back for <see cref="SilenceTimeout"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ProbationEvictAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Wall-clock time without frames after which a device past probation may be evicted when the table is full.
    /// Default 10 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan DeviceIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Evicted devices past probation whose state (processor, sway baseline, counters) is kept in serialized form, so a
    /// wearable that was silent long enough to be evicted continues where it stopped; the oldest go first. About 10 KB
    /// each (docs/reliability.md). 0: evicted state is dropped. Default 10 000.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MaxParkedDevices { get; set; } = 10_000;

    /// <summary>
    /// How long, wall clock, the frames of a device whose processing threw are rejected (<c>quarantined</c>) before
    /// its stream starts afresh. An online status message from the device (a reconnect) ends it early. Default 1 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan QuarantinePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Liveness: the pipeline is unhealthy when the oldest message in the ingest channel has waited this long and the
    /// consumer has taken nothing for this long either (a stalled consumer). Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Rejected payloads kept for inspection (oldest dropped first). Default 256.</summary>
    [Range(0, 100_000)]
    public int DeadLetterCapacity { get; set; } = 256;

    /// <summary>Bytes of each rejected payload kept, bytes. Default 8192.</summary>
    [Range(0, 1_048_576)]
    public int DeadLetterMaxBytes { get; set; } = 8192;

    /// <summary>Events kept in memory for <c>GET /api/events</c> (oldest dropped first). Default 10 000.</summary>
    [Range(1, 10_000_000)]
    public int EventCapacity { get; set; } = 10_000;

    /// <summary>Least time between two log lines about rejected frames of one reason; the rest are counted. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RejectLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often every device's state is checkpointed with the frame-log position it covers (docs/reliability.md). After
    /// a crash the log after the checkpoint is replayed, so this bounds the replay at start (at most this much of the
    /// stream), not what can be lost. Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Devices written per hold of the ingest lock when checkpointing: the state is written in chunks, frames are
    /// processed between them, and each device records the last log position in its state, so the replay after a crash
    /// skips what a device had already taken. Bounds how long a checkpoint stops detection for every device (about
    /// 17–30 µs a device on a small machine: 256 devices ≈ 5–8 ms instead of the whole table at once). Default 256.
    /// </summary>
    [Range(1, 1_000_000)]
    public int CheckpointChunkDevices { get; set; } = 256;

    /// <summary>
    /// Loops that process frames, each taking the devices whose id hashes to it, with its own lock and device table
    /// (<see cref="MaxDevices"/> and <see cref="MaxParkedDevices"/> are split evenly between them). One loop keeps one
    /// core busy at most; more let a larger machine use its cores (docs/performance.md). 0: one per two cores, at
    /// least 1 (the other half is left to the MQTT receive loop, the broker and the stores). Default 1.
    /// </summary>
    [Range(0, 64)]
    public int ProcessingLoops { get; set; } = 1;

    /// <summary>Frames queued per loop between the dispatcher and the loop when there are several. Default 256.</summary>
    [Range(1, 100_000)]
    public int LoopQueueCapacity { get; set; } = 256;

    /// <summary><see cref="ProcessingLoops"/> with 0 resolved for this machine.</summary>
    internal int ResolvedProcessingLoops => ProcessingLoops > 0 ? ProcessingLoops : Math.Max(1, Environment.ProcessorCount / 2);
}
