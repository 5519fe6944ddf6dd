using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// The raw-sample archive's file format (docs/balance.md, "Post-hoc scoring"), little-endian. A segment file starts with
/// <c>[u32 magic "SMRS"][u16 version][u16 0][i64 segment start, Unix ms]</c>, then records
/// <c>[u8 0xA7][u8 id length][u16 samples][u16 kept rate, Hz][i64 device time of the first sample, Unix µs][id, UTF-8]
/// [samples × (i16 x, i16 y, i16 z) in 0.25 mg]</c>. Records are only appended: a crash leaves at most a torn last one,
/// which the reader stops at.
/// </summary>
internal static class RawSampleRecord
{
    /// <summary>Quantization: 0.25 mg a unit, ±8 g (enough for a balance test; a fall's impact saturates, which no test scores).</summary>
    public const float UnitsPerG = 4000f;

    public const int FileHeaderBytes = 16;

    public const int HeaderBytes = 14;

    public const ushort Version = 1;

    private const uint Magic = 0x53524D53; // "SMRS" in file order.
    private const byte Marker = 0xA7;

    /// <summary>Bytes a record of <paramref name="idBytes"/> and <paramref name="samples"/> kept samples takes.</summary>
    public static int Size(int idBytes, int samples) => HeaderBytes + idBytes + (samples * 6);

    public static void WriteFileHeader(Span<byte> destination, long startMillis)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], startMillis);
    }

    public static bool IsFileHeader(ReadOnlySpan<byte> header) =>
        header.Length >= FileHeaderBytes
        && BinaryPrimitives.ReadUInt32LittleEndian(header) == Magic
        && BinaryPrimitives.ReadUInt16LittleEndian(header[4..]) == Version;

    /// <summary>
    /// Writes a record of <paramref name="samples"/> (x, y, z of each kept sample, 0.25 mg units) and returns its length;
    /// <paramref name="destination"/> holds at least <see cref="Size"/> bytes.
    /// </summary>
    public static int Write(Span<byte> destination, string deviceId, long firstMicros, int rate, ReadOnlySpan<short> samples)
    {
        var count = samples.Length / 3;
        var idBytes = Encoding.UTF8.GetBytes(deviceId, destination[HeaderBytes..]);
        destination[0] = Marker;
        destination[1] = (byte)idBytes;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)count);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], (ushort)rate);
        BinaryPrimitives.WriteInt64LittleEndian(destination[6..], firstMicros);
        var body = destination.Slice(HeaderBytes + idBytes, count * 6);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(samples[..(count * 3)]).CopyTo(body);
        }
        else
        {
            for (var i = 0; i < count * 3; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(body[(i * 2)..], samples[i]);
            }
        }

        return HeaderBytes + idBytes + (count * 6);
    }

    /// <summary>
    /// Reads the record at the start of <paramref name="source"/>: its length, or 0 when the bytes held are not a whole
    /// record yet, or -1 when they are not a record (a damaged file: read no further).
    /// </summary>
    public static int TryRead(ReadOnlySpan<byte> source, out ReadOnlySpan<byte> deviceId, out long firstMicros, out int rate, out ReadOnlySpan<byte> samples)
    {
        deviceId = default;
        samples = default;
        firstMicros = 0;
        rate = 0;
        if (source.Length < HeaderBytes)
        {
            return source.Length > 0 && source[0] != Marker ? -1 : 0;
        }

        if (source[0] != Marker)
        {
            return -1;
        }

        int idBytes = source[1];
        int count = BinaryPrimitives.ReadUInt16LittleEndian(source[2..]);
        rate = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]);
        if (idBytes == 0 || rate == 0)
        {
            return -1;
        }

        var size = Size(idBytes, count);
        if (source.Length < size)
        {
            return 0;
        }

        firstMicros = BinaryPrimitives.ReadInt64LittleEndian(source[6..]);
        deviceId = source.Slice(HeaderBytes, idBytes);
        samples = source.Slice(HeaderBytes + idBytes, count * 6);
        return size;
    }

    /// <summary>Component <paramref name="axis"/> of kept sample <paramref name="index"/> of a record's samples, in g.</summary>
    public static float Read(ReadOnlySpan<byte> samples, int index, int axis) =>
        BinaryPrimitives.ReadInt16LittleEndian(samples[(((index * 3) + axis) * 2)..]) / UnitsPerG;
}
