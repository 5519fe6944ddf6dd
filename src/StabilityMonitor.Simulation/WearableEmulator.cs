using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Simulation;

/// <summary>
/// A simulated wearable: samples a <see cref="MotionGenerator"/> at its rate and packs the samples into
/// wire frames (binary v1) with consecutive sequence numbers and device timestamps, as the firmware does.
/// No I/O and no wall clock: the caller decides when a frame is due (<see cref="NextFrameTimeMicros"/>) and
/// where it goes. Not thread-safe.
/// </summary>
public sealed class WearableEmulator
{
    private readonly AccelSample[] _samples;
    private readonly MotionGenerator _motion;
    private long _frameIndex;

    /// <param name="deviceId">The device id; must satisfy <see cref="DeviceId.IsValid"/>.</param>
    /// <param name="profile">How the wearer moves.</param>
    /// <param name="plan">What the wearer does.</param>
    /// <param name="options">Rate, frame size, range, start time, first sequence number and seed.</param>
    public WearableEmulator(string deviceId, WearerProfile profile, IMotionPlan plan, WearableOptions options)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        ArgumentNullException.ThrowIfNull(options);
        if (!DeviceId.IsValid(deviceId))
        {
            throw new ArgumentException("Device id must be 1..64 characters of [A-Za-z0-9_-].", nameof(deviceId));
        }

        options.Validate();
        Id = deviceId;
        Options = options;
        AccelTopic = DeviceId.AccelTopic(deviceId);
        StatusTopic = DeviceId.StatusTopic(deviceId);
        _samples = new AccelSample[options.SamplesPerFrame];
        _motion = new MotionGenerator(profile, plan, options.RateHz, options.Seed);
        _motion.PeakGenerated = OnPeak;
        NextSequence = options.FirstSequence;
    }

    public string Id { get; }

    public WearableOptions Options { get; }

    /// <summary><c>wearables/{id}/accel</c>.</summary>
    public string AccelTopic { get; }

    /// <summary><c>wearables/{id}/status</c>.</summary>
    public string StatusTopic { get; }

    /// <summary>Sequence number the next frame will carry.</summary>
    public uint NextSequence { get; private set; }

    /// <summary>Device time of the first sample of the next frame, Unix µs.</summary>
    public long NextFrameTimeMicros => Options.StartMicros + (_frameIndex * Options.SamplesPerFrame * 1_000_000L / Options.RateHz);

    /// <summary>Device time at which the next frame is complete and can be sent, Unix µs.</summary>
    public long NextFrameReadyMicros => Options.StartMicros + ((_frameIndex + 1) * Options.SamplesPerFrame * 1_000_000L / Options.RateHz);

    /// <summary>Encoded size of every frame, bytes.</summary>
    public int FrameBytes => BinaryFrameCodec.GetEncodedLength(Options.SamplesPerFrame);

    /// <summary>What the wearer is doing now.</summary>
    public MotionKind CurrentMotion => _motion.Current;

    /// <summary>Called with ground truth for every stumble and fall peak, as its frame is built.</summary>
    public Action<MotionMarker>? MarkerReached { get; set; }

    /// <summary>The retained status payload: <c>{"online":true,...}</c> or <c>{"online":false}</c>.</summary>
    public static byte[] StatusPayload(bool online, int rateHz = 50, double battery = 0.9) =>
        online
            ? System.Text.Encoding.UTF8.GetBytes(FormattableString.Invariant($"{{\"online\":true,\"battery\":{battery:0.00},\"firmware\":\"sim-1.0\",\"rate\":{rateHz}}}"))
            : "{\"online\":false}"u8.ToArray();

    /// <summary>Generates the next frame into <paramref name="destination"/> (at least <see cref="FrameBytes"/> long).</summary>
    /// <returns>The header of the frame written; its length is <see cref="FrameBytes"/>.</returns>
    public FrameHeader WriteNextFrame(Span<byte> destination)
    {
        var header = NextFrame(out var samples);
        BinaryFrameCodec.Encode(header, samples, destination);
        return header;
    }

    /// <summary>Generates the next frame's samples without encoding them.</summary>
    public FrameHeader NextFrame(out ReadOnlySpan<AccelSample> samples)
    {
        var header = new FrameHeader(
            (ushort)Options.RateHz,
            (byte)Options.RangeG,
            (ushort)Options.SamplesPerFrame,
            NextSequence,
            NextFrameTimeMicros);
        _motion.Fill(_samples);
        samples = _samples;
        NextSequence = unchecked(NextSequence + 1);
        _frameIndex++;
        return header;
    }

    private void OnPeak(MotionKind kind, long sampleIndex)
    {
        // Called while the current frame's samples are generated: the frame index is not advanced yet.
        var time = Options.StartMicros + (sampleIndex * 1_000_000L / Options.RateHz);
        MarkerReached?.Invoke(new MotionMarker(kind, time, NextSequence));
    }
}
