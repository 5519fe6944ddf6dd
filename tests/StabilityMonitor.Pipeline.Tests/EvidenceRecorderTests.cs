using System.Runtime.InteropServices;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// A waiting trace keeps each 40 ms slot's mean as 16-bit counts of 2^-11 g: its points (whole milli-g) stay within a
/// milli-g of the exact mean, whether the samples came from the processor's history when the event was raised or from
/// the frames after it, and a checkpoint written by a build that kept a ring of slots reads back into the same trace.
/// </summary>
public class EvidenceRecorderTests
{
    private const long Start = 1_700_000_000_000_000;
    private const long EventMicros = Start + 5_000_000;

    [Theory]
    [InlineData(25, 1)]
    [InlineData(50, 1)]
    [InlineData(200, 1)]
    [InlineData(1000, 2)]
    public void Trace_PointsAreTheSlotsMeansToTheMilliG_OnceEach(int rate, int toleranceMilliG)
    {
        var recorder = new EvidenceRecorder();
        var history = new ListHistory();
        var random = new Random(rate);
        var perFrame = rate / 2;
        var exact = new Dictionary<long, (double X, double Y, double Z, int N)>();
        EventEvidence? trace = null;
        var observer = System.Reactive.Observer.Create<EventEvidence>(e => trace = e);
        for (var f = 0; f < 20; f++)
        {
            var t0 = Start + (f * 500_000L);
            var samples = new AccelSample[perFrame];
            for (var i = 0; i < perFrame; i++)
            {
                // Standing to a hard impact: the range a trace shows.
                var scale = f == 10 ? 6f : 0.3f;
                samples[i] = new AccelSample((random.NextSingle() - 0.5f) * scale, -1f + ((random.NextSingle() - 0.5f) * scale), (random.NextSingle() - 0.5f) * scale);
                var micros = t0 + (i * 1_000_000L / rate);
                var slot = micros / 40_000;
                var e = exact.GetValueOrDefault(slot);
                exact[slot] = (e.X + samples[i].X, e.Y + samples[i].Y, e.Z + samples[i].Z, e.N + 1);

                // As the processor: the history grows sample by sample, and the event is raised by the frame's middle sample.
                history.Samples.Add((micros, samples[i]));
                if (f == 10 && i == perFrame / 2)
                {
                    recorder.Remember("dev", Event(EventMicros), observer, history);
                }
            }

            recorder.Add(new FrameHeader((ushort)rate, 8, (ushort)perFrame, (uint)f, t0), samples);
        }

        recorder.PublishAll("dev", observer);
        Assert.NotNull(trace);
        Assert.InRange(trace.Samples.Count, 199, 200);
        var firstSlot = trace.StartMicros / 40_000;
        Assert.Equal((EventMicros / 40_000) - 100, firstSlot);
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

        // A sample of the event's frame taken twice (from the history and again from the frame) moves its slot's mean
        // by far more than this on the impact's 6 g.
        Assert.InRange(worst, 0, toleranceMilliG);
    }

    [Fact]
    public void Remember_HistoryShorterThanTheWindow_TraceStartsWhereTheHistoryDoes()
    {
        var recorder = new EvidenceRecorder();
        var history = new ListHistory();
        for (var t = EventMicros - 1_000_000; t <= EventMicros; t += 20_000)
        {
            history.Samples.Add((t, new AccelSample(0, -1, 0)));
        }

        EventEvidence? trace = null;
        var observer = System.Reactive.Observer.Create<EventEvidence>(e => trace = e);
        recorder.Remember("dev", Event(EventMicros), observer, history);
        recorder.PublishAll("dev", observer);

        Assert.NotNull(trace);
        Assert.Equal(EventMicros - 1_000_000, trace.StartMicros);
        Assert.Equal(26, trace.Samples.Count);
        Assert.True(trace.Truncated);
        Assert.All(trace.Samples, static p => Assert.Equal(new EvidencePoint(0, -1000, 0), p));
    }

    [Fact]
    public void State_NothingWaiting_HoldsNoSamples()
    {
        var recorder = new EvidenceRecorder();
        var samples = Enumerable.Repeat(new AccelSample(0, -1, 0), 25).ToArray();
        for (var f = 0; f < 40; f++)
        {
            recorder.Add(new FrameHeader(50, 8, 25, (uint)f, Start + (f * 500_000L)), samples);
        }

        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            recorder.WriteState(writer);
        }

        // Format, empty flag, head, count: what every device's checkpoint carries with no event waiting.
        Assert.Equal(1 + 1 + 8 + 4, buffer.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void State_WrittenAsARingOfSlots_ReadsBackIntoTheSameTraceAndIsRewrittenAsTheTrace(bool compactMeans)
    {
        // What a checkpoint held before the traces kept their own slots: a ring of 256 slots, as float sums (the empty
        // flag first) or as means of 2^-11 g (format 2, then the flag), and the waiting event.
        const long Head = (Start + 5_000_000) / 40_000;
        var sums = new float[3 * 256];
        var means = new short[3 * 256];
        var counts = new ushort[256];
        var expected = new List<EvidencePoint>();
        for (var slot = Head - 199; slot <= Head; slot++)
        {
            var k = (int)(slot % 256);
            counts[k] = 2;
            var (x, y, z) = (0.001f * (slot % 97), -1f + (0.002f * (slot % 13)), 0.5f);
            (sums[3 * k], sums[(3 * k) + 1], sums[(3 * k) + 2]) = (2 * x, 2 * y, 2 * z);
            (means[3 * k], means[(3 * k) + 1], means[(3 * k) + 2]) = ((short)MathF.Round(x * 2048), (short)MathF.Round(y * 2048), (short)MathF.Round(z * 2048));
            expected.Add(new EvidencePoint((short)MathF.Round(x * 1000), (short)MathF.Round(y * 1000), (short)MathF.Round(z * 1000)));
        }

        using var legacy = new MemoryStream();
        using (var writer = new BinaryWriter(legacy, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            if (compactMeans)
            {
                writer.Write((byte)2);
            }

            writer.Write(false);
            writer.Write(Head);
            writer.Write(1);
            writer.Write((byte)EventKind.Fall);
            writer.Write((Head - 99) * 40_000L); // its window: the 100 slots before its own and the 99 after, up to the head
            writer.Write(compactMeans ? MemoryMarshal.AsBytes(means.AsSpan()) : MemoryMarshal.AsBytes(sums.AsSpan()));
            writer.Write(MemoryMarshal.AsBytes(counts.AsSpan()));
        }

        var recorder = new EvidenceRecorder();
        legacy.Position = 0;
        recorder.ReadState(new BinaryReader(legacy));
        Assert.Equal(legacy.Length, legacy.Position);
        Assert.Equal(1, recorder.PendingCount);

        // Written again, it is the waiting trace alone (its 200 slots of four shorts) and reads back to the same.
        using var rewritten = new MemoryStream();
        using (var writer = new BinaryWriter(rewritten, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            recorder.WriteState(writer);
        }

        Assert.Equal(1 + 1 + 8 + 4 + (1 + 8 + 8 + (200 * 4 * 2)), rewritten.Length);
        var again = new EvidenceRecorder();
        rewritten.Position = 0;
        again.ReadState(new BinaryReader(rewritten));
        Assert.Equal(rewritten.Length, rewritten.Position);

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

    private static StabilityEvent Event(long micros) => new(micros, EventKind.Fall, 1, 0.5f, 3f, 10f, 200f, 5f, micros);

    private static EventEvidence PublishAll(EvidenceRecorder recorder)
    {
        EventEvidence? trace = null;
        recorder.PublishAll("dev", System.Reactive.Observer.Create<EventEvidence>(e => trace = e));
        return trace!;
    }

    /// <summary>The samples a processor would still hold, with their device times.</summary>
    private sealed class ListHistory : IHistorySource
    {
        public List<(long Micros, AccelSample Sample)> Samples { get; } = [];

        public void ReplayHistory<TReader>(long fromMicros, ref TReader reader)
            where TReader : IHistoryReader
        {
            foreach (var (micros, sample) in Samples)
            {
                if (micros >= fromMicros)
                {
                    reader.OnSample(micros, sample);
                }
            }
        }
    }
}
