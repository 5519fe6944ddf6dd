using System.Buffers.Binary;
using System.Numerics;

namespace StabilityMonitor.Durability.Journal;

/// <summary>CRC-32C (Castagnoli) over a span; hardware-accelerated where the CPU has it (SSE4.2, ARMv8 CRC).</summary>
public static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(~0u, data);

    /// <summary>The CRC of <paramref name="first"/> followed by <paramref name="second"/>, without joining them.</summary>
    public static uint Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) => ~Update(Update(~0u, first), second);

    /// <summary>The CRC of what <paramref name="crc"/> covered followed by <paramref name="data"/> (start from 0).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => ~Update(~crc, data);

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
