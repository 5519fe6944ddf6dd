namespace StabilityMonitor.Pipeline;

/// <summary>
/// Why an incoming message was set aside. Values 1..31 mirror <see cref="Signal.Codec.FrameError"/>; the
/// metric label is the snake_case name (<c>stability_frames_rejected_total{reason="malformed_json"}</c>).
/// </summary>
public enum RejectReason : byte
{
    Empty = 1,
    Truncated,
    Oversize,
    UnsupportedVersion,
    UnknownFlags,
    ReservedNotZero,
    InvalidSampleRate,
    InvalidRange,
    InvalidSampleCount,
    LengthMismatch,
    BufferTooSmall,
    MalformedJson,
    MissingField,
    NonFinite,
    SampleOutOfRange,

    /// <summary>The topic is not <c>wearables/{id}/accel</c> or <c>wearables/{id}/status</c>.</summary>
    UnknownTopic = 32,

    /// <summary>The topic has the device shape but the id breaks the charset or length rule.</summary>
    InvalidDeviceId,

    /// <summary>A status message that is not the documented JSON object.</summary>
    MalformedStatus,

    /// <summary>A new device id beyond <see cref="PipelineOptions.MaxDevices"/>.</summary>
    TooManyDevices,

    /// <summary>A new device id the <see cref="Ports.IDeviceRegistry"/> does not admit.</summary>
    Unregistered,

    /// <summary>A frame whose device time is not a Unix time in microseconds between 1970 and 9999.</summary>
    InvalidDeviceTime,

    /// <summary>A frame of a device whose processing failed, during its quarantine (<see cref="PipelineOptions.QuarantinePeriod"/>).</summary>
    Quarantined,

    /// <summary>A frame the codec reported with a reason this version does not know.</summary>
    Other = 63,
}
