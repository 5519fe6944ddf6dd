using System.Buffers.Binary;

namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>
/// Payloads a broken device or a bad actor might send on an accel topic; every one is rejected by
/// <see cref="StabilityMonitor.Signal.Codec.FrameDecoder"/> (each for a different reason).
/// </summary>
public static class MalformedPayloads
{
    /// <summary>Number of different kinds; <see cref="Create"/> cycles through them.</summary>
    public const int Kinds = 6;

    /// <summary>Malformed payload number <paramref name="index"/> (cycling through the kinds), made from a valid frame.</summary>
    public static byte[] Create(int index, ReadOnlySpan<byte> validFrame)
    {
        switch (((index % Kinds) + Kinds) % Kinds)
        {
            case 0:
                // Truncated in the header.
                return validFrame[..Math.Min(10, validFrame.Length)].ToArray();
            case 1:
            {
                // Unknown version.
                var bytes = validFrame.ToArray();
                bytes[0] = 9;
                return bytes;
            }

            case 2:
            {
                // The last sample is missing: length does not match the count.
                return validFrame[..^6].ToArray();
            }

            case 3:
            {
                // Sample rate 0.
                var bytes = validFrame.ToArray();
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), 0);
                return bytes;
            }

            case 4:
                return "{\"v\":1,\"rate\":50,\"seq\":"u8.ToArray();
            default:
                return "{\"v\":1,\"rate\":50,\"range\":2,\"seq\":1,\"t\":1,\"samples\":[[0,0,9]]}"u8.ToArray();
        }
    }
}
