namespace StabilityMonitor.Signal.Codec;

/// <summary>Why a frame was rejected. <see cref="None"/> means it decoded.</summary>
public enum FrameError : byte
{
    None = 0,
    Empty,
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
}
