using System.Buffers;
using System.Text;
using StabilityMonitor.Signal;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// Reads a device's kept samples back from the archive's segment files: scans each file's records (every device's),
/// keeps the device's samples within the span, orders them by device time and takes each instant once (the frame log
/// replays frames after a restart, so a sample may have been written twice, possibly paired differently).
/// </summary>
internal static class RawSampleReader
{
    private const int ChunkBytes = 1 << 20;

    /// <exception cref="IOException">A segment could not be read (one deleted meanwhile is skipped).</exception>
    public static RawSampleExtract Read(IEnumerable<string> segments, string deviceId, long fromMicros, long toMicros)
    {
        Span<byte> id = stackalloc byte[Encoding.UTF8.GetMaxByteCount(deviceId.Length)];
        id = id[..Encoding.UTF8.GetBytes(deviceId, id)];
        var found = new List<Kept>();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            foreach (var segment in segments)
            {
                Scan(segment, id, fromMicros, toMicros, chunk, found);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return Assemble(found, fromMicros, toMicros);
    }

    private static void Scan(string path, ReadOnlySpan<byte> id, long fromMicros, long toMicros, byte[] chunk, List<Kept> found)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return;
        }

        using (file)
        {
            var held = 0;
            var first = true;
            while (true)
            {
                var read = file.Read(chunk, held, chunk.Length - held);
                if (read == 0)
                {
                    return;
                }

                held += read;
                var data = chunk.AsSpan(0, held);
                if (first)
                {
                    if (held < RawSampleRecord.FileHeaderBytes)
                    {
                        continue;
                    }

                    if (!RawSampleRecord.IsFileHeader(data))
                    {
                        return;
                    }

                    data = data[RawSampleRecord.FileHeaderBytes..];
                    first = false;
                }

                while (true)
                {
                    var size = RawSampleRecord.TryRead(data, out var recordId, out var firstMicros, out var rate, out var samples);
                    if (size < 0)
                    {
                        // Not a record: a damaged file (a torn write before a crash is only ever at the end).
                        return;
                    }

                    if (size == 0)
                    {
                        break;
                    }

                    if (recordId.SequenceEqual(id))
                    {
                        Take(firstMicros, rate, samples, fromMicros, toMicros, found);
                    }

                    data = data[size..];
                }

                // The part of a record at the chunk's end moves to its start.
                data.CopyTo(chunk);
                held = data.Length;
            }
        }
    }

    private static void Take(long firstMicros, int rate, ReadOnlySpan<byte> samples, long fromMicros, long toMicros, List<Kept> found)
    {
        var count = samples.Length / 6;
        for (var i = 0; i < count; i++)
        {
            var t = firstMicros + (i * 1_000_000L / rate);
            if (t >= fromMicros && t <= toMicros)
            {
                found.Add(new Kept(t, rate, new AccelSample(RawSampleRecord.Read(samples, i, 0), RawSampleRecord.Read(samples, i, 1), RawSampleRecord.Read(samples, i, 2))));
            }
        }
    }

    private static RawSampleExtract Assemble(List<Kept> found, long fromMicros, long toMicros)
    {
        found.Sort(static (a, b) => a.Micros.CompareTo(b.Micros));
        var samples = new List<AccelSample>(found.Count);
        var rate = 0;
        long first = 0;
        var last = long.MinValue;
        foreach (var k in found)
        {
            // Within half a kept sample of the one taken before: the same instant written again (a replay).
            if (last != long.MinValue && k.Micros - last <= 500_000L / k.Rate)
            {
                continue;
            }

            if (rate != 0 && rate != k.Rate)
            {
                return RawSampleExtract.None;
            }

            if (rate == 0)
            {
                (rate, first) = (k.Rate, k.Micros);
            }

            samples.Add(k.Sample);
            last = k.Micros;
        }

        var span = (toMicros - fromMicros) / 1e6;
        var coverage = rate == 0 || span <= 0 ? 0 : Math.Min(1, samples.Count / (double)rate / span);
        return new RawSampleExtract([.. samples], rate, first, coverage);
    }

    private readonly record struct Kept(long Micros, int Rate, AccelSample Sample);
}
