using System.Runtime.InteropServices;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// The evidence ring keeps each 40 ms slot's mean as 16-bit counts of 2^-11 g: a trace's points (whole milli-g) stay
/// within a milli-g of the exact mean, and a ring written before (float sums) reads back into the same trace.
/// </summary>
public class EvidenceRecorderTests
{
    private const long Start = 1_700_000_000_000_000;

    [Theory]
    [InlineData(25, 1)]
    [InlineData(50, 1)]
    [InlineData(200, 1)]
    [InlineData(1000, 2)]
    public void Trace_PointsAreTheSlotsMeansToTheMilliG(int rate, int toleranceMilliG)
    {
        var recorder = new EvidenceRecorder();
        var random = new Random(rate);
        var perFrame = rate / 2;
        var exact = new Dictionary<long, (double X, double Y, double Z, int N)>();
        for (var f = 0; f < 20; f++)
        {
            var t0 = Start + (f * 500_000L);
            var samples = new AccelSample[perFrame];
            for (var i = 0; i < perFrame; i++)
            {
                // Standing to a hard impact: the range a trace shows.
                var scale = f == 10 ? 6f : 0.3f;
                samples[i] = new AccelSample((random.NextSingle() - 0.5f) * scale, -1f + ((random.NextSingle() - 0.5f) * scale), (random.NextSingle() - 0.5f) * scale);
                var slot = (t0 + (i * 1_000_000L / rate)) / 40_000;
                var e = exact.GetValueOrDefault(slot);
                exact[slot] = (e.X + samples[i].X, e.Y + samples[i].Y, e.Z + samples[i].Z, e.N + 1);
            }

            recorder.Add(new FrameHeader((ushort)rate, 8, (ushort)perFrame, (uint)f, t0), samples);
        }

        var trace = Publish(recorder, Start + 5_000_000);
        Assert.InRange(trace.Samples.Count, 199, 200);
        var firstSlot = trace.StartMicros / 40_000;
        var worst = 0;
        for (var i = 0; i < trace.Samples.Count; i++)
        {
            // At 25 Hz a half-second frame holds 12 samples: one slot in 13 has none and repeats the one before.
            if (!exact.TryGetValue(firstSlot + i, out var e))
            {
                continue;
            }

            var p = trace.Samples[i];
            worst = Math.Max(worst, Math.Max(Math.Abs(p.XMilliG - (int)Math.Round(e.X / e.N * 1000)), Math.Max(Math.Abs(p.YMilliG - (int)Math.Round(e.Y / e.N * 1000)), Math.Abs(p.ZMilliG - (int)Math.Round(e.Z / e.N * 1000)))));
        }

        Assert.InRange(worst, 0, toleranceMilliG);
    }

    [Fact]
    public void State_WrittenWithFloatSums_ReadsBackIntoTheSameTraceAndIsRewrittenCompact()
    {
        // What a checkpoint held before the means: the empty flag first, the waiting event, 768 float sums, 256 counts.
        const long Head = (Start + 5_000_000) / 40_000;
        var sums = new float[3 * 256];
        var counts = new ushort[256];
        var expected = new List<EvidencePoint>();
        for (var slot = Head - 199; slot <= Head; slot++)
        {
            var k = (int)(slot % 256);
            counts[k] = 2;
            var (x, y, z) = (0.001f * (slot % 97), -1f + (0.002f * (slot % 13)), 0.5f);
            (sums[3 * k], sums[(3 * k) + 1], sums[(3 * k) + 2]) = (2 * x, 2 * y, 2 * z);
            expected.Add(new EvidencePoint((short)MathF.Round(x * 1000), (short)MathF.Round(y * 1000), (short)MathF.Round(z * 1000)));
        }

        using var legacy = new MemoryStream();
        using (var writer = new BinaryWriter(legacy, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(false);
            writer.Write(Head);
            writer.Write(1);
            writer.Write((byte)EventKind.Fall);
            writer.Write((Head - 99) * 40_000L); // its window: the 100 slots before its own and the 99 after, up to the head
            writer.Write(MemoryMarshal.AsBytes(sums.AsSpan()));
            writer.Write(MemoryMarshal.AsBytes(counts.AsSpan()));
        }

        var recorder = new EvidenceRecorder();
        legacy.Position = 0;
        recorder.ReadState(new BinaryReader(legacy));
        Assert.Equal(legacy.Length, legacy.Position);
        Assert.Equal(1, recorder.PendingCount);

        // Written again, it is the compact form (768 B less) and reads back to the same.
        using var rewritten = new MemoryStream();
        using (var writer = new BinaryWriter(rewritten, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            recorder.WriteState(writer);
        }

        Assert.Equal(legacy.Length - (3 * 256 * 2) + 1, rewritten.Length);
        var again = new EvidenceRecorder();
        rewritten.Position = 0;
        again.ReadState(new BinaryReader(rewritten));

        foreach (var r in new[] { recorder, again })
        {
            var trace = PublishAll(r);
            Assert.Equal(expected, trace.Samples);
        }
    }

    [Fact]
    public void State_FirstByteNeitherAFormatNorAFlag_IsRefused()
    {
        var recorder = new EvidenceRecorder();
        Assert.Throws<InvalidDataException>(() => recorder.ReadState(new BinaryReader(new MemoryStream([7, 0, 0, 0]))));
    }

    private static EventEvidence Publish(EvidenceRecorder recorder, long eventMicros)
    {
        EventEvidence? trace = null;
        var observer = System.Reactive.Observer.Create<EventEvidence>(e => trace = e);
        recorder.Remember("dev", new StabilityEvent(eventMicros, EventKind.Fall, 1, 0.5f, 3f, 10f, 200f, 5f, eventMicros), observer);
        recorder.PublishAll("dev", observer);
        return trace!;
    }

    private static EventEvidence PublishAll(EvidenceRecorder recorder)
    {
        EventEvidence? trace = null;
        recorder.PublishAll("dev", System.Reactive.Observer.Create<EventEvidence>(e => trace = e));
        return trace!;
    }
}
