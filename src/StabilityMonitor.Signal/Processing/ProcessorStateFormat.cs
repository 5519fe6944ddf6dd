using System.Buffers.Binary;
using System.Security.Cryptography;

namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// The envelope of a <see cref="DeviceProcessor"/> checkpoint: magic, format version, fingerprint of the options
/// that shape the state, payload length, payload, checksum. Everything is checked before any of the payload is
/// used, so a state from another build, another configuration, or one damaged or cut short in storage fails
/// with <see cref="InvalidDataException"/> instead of restoring nonsense.
/// </summary>
internal static class ProcessorStateFormat
{
    /// <summary>"SMPS" read as a little-endian uint32.</summary>
    public const uint Magic = 0x53_50_4D_53;

    /// <summary>Raise on any change to what is written: old checkpoints are then refused, never misread.</summary>
    public const ushort Version = 6;

    /// <summary>
    /// The oldest version still read: version 2 is version 3 without the learned AP direction and the upright
    /// confirmation, which then start at their initial values; version 3 is version 4 without the falls handed
    /// over between candidates, of which it then has none; version 4 is version 5 without the sitting/standing
    /// tracker, which then starts unknown; version 5's raw ring holds only the detector's look-back and its
    /// sitting/standing tracker its own history (read past: the tracker then looks back over what the ring holds).
    /// </summary>
    public const ushort OldestReadVersion = 2;

    // Magic, version, fingerprint, payload length.
    private const int HeaderBytes = 4 + 2 + 8 + 4;
    private const int ChecksumBytes = 8;

    // A processor's state is a few seconds of samples: 16 MB would be a ring of over 1 GHz. Bounds what a
    // damaged length field makes us allocate.
    private const int MaxPayloadBytes = 16 << 20;

    /// <summary>
    /// Hash of the options that decide the state's layout or the meaning of its numbers: the filter designs
    /// (their delay lines), the window and hop (the accumulators' progress), the AP axis (what the
    /// accumulators summed), the walking time the AP direction is learned over (the learner's averaging) and the
    /// detector's timing (ring length, candidates' collect and decision points).
    /// Thresholds are left out on purpose: retuning them between checkpoint and restore keeps the wearers'
    /// learned baselines and applies the new thresholds from the next sample (so is ApLearnMinAnisotropy).
    /// A version 2 state is checked against the version 2 fingerprint, which had no learner.
    /// </summary>
    public static ulong Fingerprint(ProcessorOptions options, ushort version = Version)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(options.GravityCutoffHz);
            w.Write(options.SwayCutoffHz);
            w.Write(options.SwayFilterOrder);
            w.Write(options.SwayWindowSeconds);
            w.Write(options.SwayHopSeconds);
            w.Write(options.ApAxis);
            w.Write(options.Detector.CollectSeconds);
            w.Write(options.Detector.DecisionDelaySeconds);
            w.Write(options.Detector.NearFallDecisionDelaySeconds);
            w.Write(options.Detector.ProvisionalFalls);
            w.Write(options.Detector.ProvisionalDelaySeconds);
            if (version >= 3)
            {
                w.Write(options.ApLearnWalkingSeconds);
            }
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    public static void WriteEnvelope(BinaryWriter writer, ulong fingerprint, ReadOnlySpan<byte> payload)
    {
        var block = new byte[HeaderBytes + payload.Length + ChecksumBytes];
        payload.CopyTo(block.AsSpan(HeaderBytes));
        SealEnvelope(block, fingerprint, payload.Length);
        writer.Write(block);
    }

    /// <summary>
    /// Fills in the header and checksum around a payload already in place: <paramref name="block"/> holds
    /// <see cref="HeaderBytes"/> bytes of room, the payload, then room for the checksum. Lets a writer build the
    /// payload in a reused buffer instead of allocating a block per state (a checkpoint writes thousands).
    /// </summary>
    public static void SealEnvelope(Span<byte> block, ulong fingerprint, int payloadLength)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(block, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(block[4..], Version);
        BinaryPrimitives.WriteUInt64LittleEndian(block[6..], fingerprint);
        BinaryPrimitives.WriteInt32LittleEndian(block[14..], payloadLength);
        Checksum(block[..(HeaderBytes + payloadLength)], block.Slice(HeaderBytes + payloadLength, ChecksumBytes));
    }

    /// <summary>Bytes before the payload in an envelope.</summary>
    public static int PayloadOffset => HeaderBytes;

    /// <summary>Bytes after the payload in an envelope.</summary>
    public static int TrailerBytes => ChecksumBytes;

    /// <summary>Reads and checks one envelope; returns its payload and its format version.</summary>
    /// <param name="reader">Positioned at the envelope.</param>
    /// <param name="fingerprint">The options' fingerprint for a format version (this one or an older one still read).</param>
    /// <param name="version">The state's format version.</param>
    public static byte[] ReadEnvelope(BinaryReader reader, Func<ushort, ulong> fingerprint, out ushort version)
    {
        var header = ReadExactly(reader, HeaderBytes);
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (magic != Magic)
        {
            ThrowHelper.ThrowInvalidData("Not a device processor state (wrong magic number).");
        }

        version = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(4));
        if (version is < OldestReadVersion or > Version)
        {
            ThrowHelper.ThrowInvalidData($"Processor state has format version {version}; this build reads versions {OldestReadVersion} to {Version}.");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(6)) != fingerprint(version))
        {
            ThrowHelper.ThrowInvalidData("Processor state was written with other processor options (filters, windows or detector timing).");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(14));
        if (length is < 0 or > MaxPayloadBytes)
        {
            ThrowHelper.ThrowInvalidData($"Processor state claims {length} bytes of payload.");
        }

        var payload = ReadExactly(reader, length);
        var stored = ReadExactly(reader, ChecksumBytes);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(header);
        hash.AppendData(payload);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        hash.GetHashAndReset(digest);
        if (!stored.AsSpan().SequenceEqual(digest[..ChecksumBytes]))
        {
            ThrowHelper.ThrowInvalidData("Processor state is damaged (checksum mismatch).");
        }

        return payload;
    }

    private static void Checksum(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        hash[..ChecksumBytes].CopyTo(destination);
    }

    private static byte[] ReadExactly(BinaryReader reader, int count)
    {
        var bytes = reader.ReadBytes(count);
        if (bytes.Length != count)
        {
            ThrowHelper.ThrowInvalidData($"Processor state is cut short: {bytes.Length} of {count} bytes.");
        }

        return bytes;
    }
}
