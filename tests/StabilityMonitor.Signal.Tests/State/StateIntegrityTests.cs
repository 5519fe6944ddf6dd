using System.Buffers.Binary;
using System.Text;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>A state that does not fit is refused with <see cref="InvalidDataException"/> and changes nothing.</summary>
public sealed class StateIntegrityTests
{
    private static readonly Lazy<(List<StreamFrame> Frames, byte[] State)> s_midStream = new(static () =>
    {
        var (_, frames) = ScenarioStreams.StumbleAndFall(50)[0];
        var processor = new DeviceProcessor(new ProcessorOptions());
        Continuation.Feed(processor, frames, 0, 70, new BitSink());
        return (frames, Continuation.Save(processor));
    });

    public static TheoryData<string> StateShapingChanges => ["SwayFilterOrder", "SwayCutoffHz", "GravityCutoffHz", "SwayWindowSeconds", "SwayHopSeconds", "ApAxis", "ApLearnWalkingSeconds", "CollectSeconds", "DecisionDelaySeconds", "NearFallDecisionDelaySeconds"];

    [Theory]
    [MemberData(nameof(StateShapingChanges))]
    public void OptionsThatShapeTheState_Differ_ReadStateThrows(string change)
    {
        var options = new ProcessorOptions();
        switch (change)
        {
            case "SwayFilterOrder": options.SwayFilterOrder = 2; break;
            case "SwayCutoffHz": options.SwayCutoffHz = 3.0; break;
            case "GravityCutoffHz": options.GravityCutoffHz = 0.4; break;
            case "SwayWindowSeconds": options.SwayWindowSeconds = 20; break;
            case "SwayHopSeconds": options.SwayHopSeconds = 10; break;
            case "ApAxis": options.ApAxis = 0; break;
            case "ApLearnWalkingSeconds": options.ApLearnWalkingSeconds = 20; break;
            case "CollectSeconds": options.Detector.CollectSeconds = 0.8f; break;
            case "DecisionDelaySeconds": options.Detector.DecisionDelaySeconds = 1.2f; break;
            case "NearFallDecisionDelaySeconds": options.Detector.NearFallDecisionDelaySeconds = 3f; break;
            default: throw new ArgumentOutOfRangeException(nameof(change));
        }

        var processor = new DeviceProcessor(options);
        var ex = Assert.Throws<InvalidDataException>(() => Continuation.Restore(processor, s_midStream.Value.State));
        Assert.Contains("other processor options", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Continuation.Save(new DeviceProcessor(options)), Continuation.Save(processor));
    }

    [Fact]
    public void OnlyThresholdsDiffer_ReadStateRestoresEverything()
    {
        // Retuned thresholds are a configuration change, not a different state: the checkpoint still applies.
        var options = new ProcessorOptions();
        options.Classifier.FallPeakG = 2.5f;
        options.Detector.TriggerG = 1.8f;
        options.Sway.RaiseRatio = 2.5f;
        options.StillStdG = 0.04f;
        var processor = new DeviceProcessor(options);

        Continuation.Restore(processor, s_midStream.Value.State);

        Assert.Equal(70 * 25, processor.Samples);
        Assert.Equal(s_midStream.Value.State, Continuation.Save(processor));
    }

    [Fact]
    public void AnotherFormatVersion_ReadStateThrowsSayingSo()
    {
        var state = (byte[])s_midStream.Value.State.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(state.AsSpan(4), ProcessorStateFormat.Version + 1);

        var ex = Assert.Throws<InvalidDataException>(() => Continuation.Restore(new DeviceProcessor(new ProcessorOptions()), state));
        Assert.Contains($"format version {ProcessorStateFormat.Version + 1}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyBitFlipped_ReadStateThrows_AndTheProcessorIsUnchanged()
    {
        var (frames, state) = s_midStream.Value;
        var target = new DeviceProcessor(new ProcessorOptions());
        var output = new BitSink();
        Continuation.Feed(target, frames, 0, 30, output);
        var before = Continuation.Save(target);

        for (var i = 0; i < state.Length; i++)
        {
            var damaged = (byte[])state.Clone();
            damaged[i] ^= (byte)(1 << (i % 8));
            Assert.Throws<InvalidDataException>(() => Continuation.Restore(target, damaged));
        }

        Assert.Equal(before, Continuation.Save(target));

        // And it carries on exactly as a processor that never saw the damaged states.
        Continuation.Feed(target, frames, 30, frames.Count, output);
        Continuation.AssertSameLines(Continuation.Whole(frames, new ProcessorOptions()).Sink.Lines, output.Lines, "after refused states");
    }

    [Fact]
    public void CutShortAnywhere_ReadStateThrows()
    {
        var state = s_midStream.Value.State;
        for (var length = 0; length < state.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => Continuation.Restore(new DeviceProcessor(new ProcessorOptions()), state[..length]));
        }
    }

    [Fact]
    public void ValidEnvelopeButContentThatDoesNotFit_ReadStateThrows_AndTheProcessorIsUnchanged()
    {
        // Checksums only catch damage; these states are well formed envelopes around content that is not a state
        // of this processor (a writer bug, or a forged file): the content checks must refuse them.
        var options = new ProcessorOptions();
        var fingerprint = ProcessorStateFormat.Fingerprint(options);
        var payload = Payload(s_midStream.Value.State);
        var target = new DeviceProcessor(options);
        var before = Continuation.Save(target);

        byte[][] payloads =
        [
            payload[..^1],
            [.. payload, 0],
            [],
            Patched(payload, 16, 7), // Posture
            Patched(payload, 22, 2), // continuous flag
        ];
        foreach (var bad in payloads)
        {
            Assert.Throws<InvalidDataException>(() => Continuation.Restore(target, Envelope(fingerprint, bad)));
        }

        Assert.Equal(before, Continuation.Save(target));
    }

    [Fact]
    public void SeveralProcessors_WrittenToOneStream_ReadBackInOrder()
    {
        // The server writes all its devices into one checkpoint: each state must read exactly its own bytes.
        var options = new ProcessorOptions();
        var wearers = ScenarioStreams.StumbleAndFall(50);
        var processors = wearers.Select(w =>
        {
            var p = new DeviceProcessor(options);
            Continuation.Feed(p, w.Frames, 0, 90, new BitSink());
            return p;
        }).ToList();

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            processors.ForEach(p => p.WriteState(writer));
        }

        stream.Position = 0;
        using var reader = new BinaryReader(stream);
        foreach (var p in processors)
        {
            var restored = new DeviceProcessor(options);
            restored.ReadState(reader);
            Assert.Equal(Continuation.Save(p), Continuation.Save(restored));
        }

        Assert.Equal(stream.Length, stream.Position);
    }

    private static byte[] Payload(byte[] state)
    {
        using var reader = new BinaryReader(new MemoryStream(state));
        return ProcessorStateFormat.ReadEnvelope(reader, static _ => ProcessorStateFormat.Fingerprint(new ProcessorOptions()), out _);
    }

    private static byte[] Envelope(ulong fingerprint, byte[] payload)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            ProcessorStateFormat.WriteEnvelope(writer, fingerprint, payload);
        }

        return stream.ToArray();
    }

    private static byte[] Patched(byte[] payload, int offset, byte value)
    {
        var copy = (byte[])payload.Clone();
        copy[offset] = value;
        return copy;
    }
}
