using System.Numerics;

namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Reading and writing the pieces of processor state that recur (vectors, samples, delay lines, checked enums and
/// counts). Every read checks what it can, so a state that does not fit the processor fails here with
/// <see cref="InvalidDataException"/> rather than later as an index out of range.
/// </summary>
internal static class StateBinary
{
    public static void Write(BinaryWriter writer, Vector3 value)
    {
        writer.Write(value.X);
        writer.Write(value.Y);
        writer.Write(value.Z);
    }

    public static Vector3 ReadVector3(BinaryReader reader) => new(reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle());

    public static void Write(BinaryWriter writer, in AccelSample value)
    {
        writer.Write(value.X);
        writer.Write(value.Y);
        writer.Write(value.Z);
    }

    public static AccelSample ReadSample(BinaryReader reader) => new(reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle());

    /// <summary>A fixed-length array of floats (a filter's delay line), length first.</summary>
    public static void Write(BinaryWriter writer, ReadOnlySpan<float> values)
    {
        writer.Write(values.Length);
        foreach (var v in values)
        {
            writer.Write(v);
        }
    }

    /// <summary>Reads into <paramref name="destination"/>, whose length the state must match.</summary>
    public static void ReadInto(BinaryReader reader, Span<float> destination, string what)
    {
        var length = reader.ReadInt32();
        if (length != destination.Length)
        {
            ThrowHelper.ThrowInvalidData($"State has {length} values for {what}, this processor {destination.Length}.");
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = reader.ReadSingle();
        }
    }

    public static bool ReadBoolean(BinaryReader reader)
    {
        var b = reader.ReadByte();
        if (b > 1)
        {
            ThrowHelper.ThrowInvalidData($"State has {b} where a flag (0 or 1) belongs.");
        }

        return b == 1;
    }

    public static TEnum ReadEnum<TEnum>(BinaryReader reader)
        where TEnum : struct, Enum
    {
        var b = reader.ReadByte();
        var value = (TEnum)Enum.ToObject(typeof(TEnum), b);
        if (!Enum.IsDefined(value))
        {
            ThrowHelper.ThrowInvalidData($"State has {b}, not a {typeof(TEnum).Name}.");
        }

        return value;
    }

    public static long ReadInRange(BinaryReader reader, long min, long max, string what)
    {
        var value = reader.ReadInt64();
        if (value < min || value > max)
        {
            ThrowHelper.ThrowInvalidData($"State has {what} = {value}, outside {min}..{max}.");
        }

        return value;
    }

    public static int ReadInRange(BinaryReader reader, int min, int max, string what)
    {
        var value = reader.ReadInt32();
        if (value < min || value > max)
        {
            ThrowHelper.ThrowInvalidData($"State has {what} = {value}, outside {min}..{max}.");
        }

        return value;
    }
}
