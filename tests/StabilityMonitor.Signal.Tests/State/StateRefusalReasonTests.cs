using System.Buffers.Binary;
using System.Text;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>
/// A refused state says why (the message is what a checkpoint restore logs): another kind of file, a length that cannot
/// be, damage, a cut, an envelope whose content ends early. Each is a separate check; the checksum alone would refuse
/// most of them, but under the wrong name.
/// </summary>
public sealed class StateRefusalReasonTests
{
    private static readonly Lazy<byte[]> s_state = new(static () =>
    {
        var (_, frames) = ScenarioStreams.StumbleAndFall(50)[0];
        var processor = new DeviceProcessor(new ProcessorOptions());
        Continuation.Feed(processor, frames, 0, 20, new BitSink());
        return Continuation.Save(processor);
    });

    [Fact]
    public void WrongMagic_SaysItIsNotAProcessorState()
    {
        var state = (byte[])s_state.Value.Clone();
        state[0] ^= 0x01;

        Assert.Contains("wrong magic number", Refusal(state), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData((16 << 20) + 1)]
    public void ImpossiblePayloadLength_SaysWhatItClaims(int length)
    {
        var state = (byte[])s_state.Value.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(state.AsSpan(14), length);

        Assert.Contains($"claims {length} bytes", Refusal(state), StringComparison.Ordinal);
    }

    [Fact]
    public void DamagedPayload_SaysChecksum()
    {
        var state = (byte[])s_state.Value.Clone();
        state[ProcessorStateFormat.PayloadOffset + 20] ^= 0x10;

        Assert.Contains("checksum mismatch", Refusal(state), StringComparison.Ordinal);
    }

    [Fact]
    public void CutShort_SaysHowMuchWasThere()
    {
        var state = s_state.Value;
        var cut = state[..(state.Length - 3)];

        Assert.Contains($"cut short: {ProcessorStateFormat.TrailerBytes - 3} of {ProcessorStateFormat.TrailerBytes} bytes", Refusal(cut), StringComparison.Ordinal);
    }

    [Fact]
    public void SoundEnvelopeAroundTooLittleContent_SaysTheContentEnds()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            ProcessorStateFormat.WriteEnvelope(writer, ProcessorStateFormat.Fingerprint(new ProcessorOptions()), new byte[12]);
        }

        Assert.Contains("ends inside its content", Refusal(stream.ToArray()), StringComparison.Ordinal);
    }

    private static string Refusal(byte[] state)
    {
        var processor = new DeviceProcessor(new ProcessorOptions());
        using var reader = new BinaryReader(new MemoryStream(state, writable: false));
        return Assert.Throws<InvalidDataException>(() => processor.ReadState(reader)).Message;
    }
}
