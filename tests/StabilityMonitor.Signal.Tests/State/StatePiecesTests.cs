using System.Numerics;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>
/// The checked reads every processor state goes through (<see cref="StateBinary"/>) and the sample ring's history
/// and state: a value outside what the processor can hold fails as <see cref="InvalidDataException"/> at the read.
/// </summary>
public class StatePiecesTests
{
    private static BinaryReader Reader(Action<BinaryWriter> write)
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }

        stream.Position = 0;
        return new BinaryReader(stream);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    public void ReadBoolean_ZeroOrOne_ReadsTheFlag(byte stored, bool expected) =>
        Assert.Equal(expected, StateBinary.ReadBoolean(Reader(w => w.Write(stored))));

    [Theory]
    [InlineData(2)]
    [InlineData(255)]
    public void ReadBoolean_AnyOtherByte_Throws(byte stored) =>
        Assert.Throws<InvalidDataException>(() => StateBinary.ReadBoolean(Reader(w => w.Write(stored))));

    [Fact]
    public void ReadEnum_DefinedValue_Read_UndefinedThrows()
    {
        Assert.Equal(Posture.Lying, StateBinary.ReadEnum<Posture>(Reader(w => w.Write((byte)Posture.Lying))));
        Assert.Equal(Posture.Unknown, StateBinary.ReadEnum<Posture>(Reader(w => w.Write((byte)0))));
        Assert.Throws<InvalidDataException>(() => StateBinary.ReadEnum<Posture>(Reader(w => w.Write((byte)4))));
    }

    [Theory]
    [InlineData(-1L, true)]
    [InlineData(10L, true)]
    [InlineData(-2L, false)]
    [InlineData(11L, false)]
    public void ReadInRange_Long_BoundsInclusive(long stored, bool accepted)
    {
        long Read() => StateBinary.ReadInRange(Reader(w => w.Write(stored)), -1L, 10L, "a count");
        if (accepted)
        {
            Assert.Equal(stored, Read());
        }
        else
        {
            var e = Assert.Throws<InvalidDataException>(() => Read());
            Assert.Contains("a count", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(8, true)]
    [InlineData(-1, false)]
    [InlineData(9, false)]
    public void ReadInRange_Int_BoundsInclusive(int stored, bool accepted)
    {
        int Read() => StateBinary.ReadInRange(Reader(w => w.Write(stored)), 0, 8, "steps");
        if (accepted)
        {
            Assert.Equal(stored, Read());
        }
        else
        {
            Assert.Throws<InvalidDataException>(() => Read());
        }
    }

    [Fact]
    public void DelayLine_RoundTrips_AndALengthThatDoesNotFitThrows()
    {
        float[] line = [1.5f, -2f, 3.25f];
        var restored = new float[3];
        StateBinary.ReadInto(Reader(w => StateBinary.Write(w, line)), restored, "a filter");
        Assert.Equal(line, restored);

        var e = Assert.Throws<InvalidDataException>(() => StateBinary.ReadInto(Reader(w => StateBinary.Write(w, line)), new float[4], "a filter"));
        Assert.Contains("a filter", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VectorAndSample_RoundTripComponentByComponent()
    {
        var vector = new Vector3(0.25f, -1f, 9.5f);
        var sample = new AccelSample(-3f, 0.125f, 7f);

        var reader = Reader(w =>
        {
            StateBinary.Write(w, vector);
            StateBinary.Write(w, sample);
        });

        Assert.Equal(vector, StateBinary.ReadVector3(reader));
        Assert.Equal(sample, StateBinary.ReadSample(reader));
    }

    [Fact]
    public void Ring_KeepsTheNewestCapacitySamples_ByAbsoluteIndex()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SampleRing(0));

        var ring = new SampleRing(4);
        Assert.Equal(0, ring.OldestIndex);
        for (var i = 0; i < 10; i++)
        {
            ring.Push(new AccelSample(i, 0f, 0f));
        }

        Assert.Equal(4, ring.Capacity);
        Assert.Equal(10, ring.Count);
        Assert.Equal(6, ring.OldestIndex);
        Assert.Equal(6f, ring.At(6).X);
        Assert.Equal(9f, ring.At(9).X);
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.At(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.At(10));

        ring.Clear();
        Assert.Equal(0, ring.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.At(0));
    }

    [Fact]
    public void Ring_State_HoldsOnlyTheSamplesHeld_AndRestoresThem()
    {
        var ring = Pushed(new SampleRing(4), 0, 6);
        var state = Reader(w => ring.WriteState(w, atMost: 4));

        // The count, then four samples of three floats.
        Assert.Equal(8 + (4 * 12), state.BaseStream.Length);
        var restored = new SampleRing(4);
        restored.ReadState(state, atMost: 4);
        Assert.Equal(6, restored.Count);
        for (var i = 2; i < 6; i++)
        {
            Assert.Equal(ring.At(i), restored.At(i));
        }

        Assert.Throws<InvalidDataException>(() => new SampleRing(4).ReadState(Reader(w => w.Write(-1L)), atMost: 4));
    }

    [Fact]
    public void Ring_State_OfItsNewestPart_RestoresIntoALongerRingThatHoldsOnlyThose()
    {
        // The processor's ring is longer than what its checkpoint keeps (an event's look-back is not kept).
        var ring = Pushed(new SampleRing(10), 0, 9);
        var state = Reader(w => ring.WriteState(w, atMost: 4));

        Assert.Equal(8 + (4 * 12), state.BaseStream.Length);
        var restored = new SampleRing(10);
        restored.ReadState(state, atMost: 4);
        Assert.Equal(9, restored.Count);
        Assert.Equal(5, restored.OldestIndex);
        Assert.Equal(ring.At(5), restored.At(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => restored.At(4));

        // Pushed on, it holds its full length again.
        Assert.Equal(10, Pushed(restored, 9, 20).OldestIndex);
    }

    [Fact]
    public void Ring_State_RestoredFromAShorterLookBack_WrittenAgainWithWhatItHolds()
    {
        // Restored from 4 of 9 samples (an older format's look-back), then written keeping up to 8: it holds only 4.
        var restored = new SampleRing(10);
        restored.ReadState(Reader(w => Pushed(new SampleRing(10), 0, 9).WriteState(w, atMost: 4)), atMost: 4);
        var state = Reader(w => restored.WriteState(w, atMost: 8));

        // The count's complement, how many it holds, then those four.
        Assert.Equal(8 + 4 + (4 * 12), state.BaseStream.Length);
        var again = new SampleRing(10);
        again.ReadState(state, atMost: 8);
        Assert.Equal((9L, 5L), (again.Count, again.OldestIndex));
        Assert.Equal(restored.At(5), again.At(5));
        Assert.Equal(restored.At(8), again.At(8));
    }

    private static SampleRing Pushed(SampleRing ring, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            ring.Push(new AccelSample(i, -i, 1f));
        }

        return ring;
    }
}
