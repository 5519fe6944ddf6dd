using System.Buffers.Binary;
using System.Numerics;

namespace StabilityMonitor.Influx.Journal;

/// <summary>CRC-32C (Castagnoli) over a span; hardware-accelerated where the CPU has it (SSE4.2, ARMv8 CRC).</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
