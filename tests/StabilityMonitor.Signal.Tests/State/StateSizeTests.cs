using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;
using Xunit.Abstractions;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>What a checkpoint costs per device; the server keeps up to 10,000.</summary>
public sealed class StateSizeTests(ITestOutputHelper output)
{
    // Everything but the ring, with the default options and every candidate slot open (the most there can be),
    // bytes: envelope 26, processor fields 64, gait 17 and its last walking sample 8, two sway windows 208,
    // refractory times 16, long-lie watch 24, soft-fall watch 24, sway baseline 25, rate 4, gravity filter 49, sway
    // filter (2 sections x 3 axes) 253, 8 candidate slots with their provisional marks, gait flag and features 920,
    // ring count 8; from format 3 the AP learner 69 (scatter and walking time 56, direction 12, flag 1) and the
    // upright confirmation 21 (flag 1, walking run 8, its starting gravity 12). A free slot takes 1 byte instead of 115.
    private const int FixedPartAtMost = 1740;

    // From format 5 the sitting/standing tracker: its state, block and rest sums 133; in format 5 also 8 s of ~25 Hz
    // history (200 samples at 25, 50, 100 and 200 Hz) as three float arrays, 2412, which from format 6 it reads from
    // the raw ring instead (the ring keeps the longer of its look-back and the detector's).
    private const int SeatTrackerBytes = 133;

    [Theory]
    [InlineData(25)]
    [InlineData(50)]
    [InlineData(100)]
    [InlineData(200)]
    public void StateSize_IsTheSampleHistoryPlusUnder1750Bytes(int rate)
    {
        var options = new ProcessorOptions();

        // 40 s of standing and walking fills the ring; the stumble at the end leaves a candidate open in the state.
        var processor = new DeviceProcessor(options);
        var frames = ScenarioStreams.Frames(new SyntheticStream(rate).Stand(5).Walk(34).Stumble().Walk(1), ScenarioStreams.Start);
        frames.ForEach(f => processor.Process(f.Header, f.Samples, new BitSink()));

        Assert.Equal(SeatTrackerBytes, processor.SeatStateBytes());
        var total = Continuation.Save(processor).Length;
        var size = total - SeatTrackerBytes;
        output.WriteLine($"{rate} Hz: {total} bytes per device, {total * 10_000L / 1e6:0.0} MB for 10,000 devices");

        // The ring keeps the detector's history (3.5 s of baseline before a peak, 1 s collect, 2.5 s to the
        // near-fall decision: 7 s with the defaults) as raw samples, 12 bytes each, written whole: the features
        // are measured from it at decision time, so it cannot be summarised; and the sitting/standing tracker's 8 s
        // (of block means, one block more), the longer of the two. At 200 Hz that bounds a device at 21 KB and
        // 10,000 devices at 210 MB of checkpoint (20.4 KB measured); at the scenarios' 50 Hz, 6.6 KB and 66 MB (5.9 KB
        // measured; before format 6 the ring's 4.2 KB and the tracker's own 2.4 KB of history).
        var detector = (int)Math.Ceiling(PerturbationTracker.HistorySeconds(options.Detector) * rate) + 1;
        var history = Math.Max(detector, SeatTracker.RawSamplesNeeded(rate));
        Assert.InRange(size, 12 * history, (12 * history) + FixedPartAtMost);
        Assert.True(size < (12 * history) + FixedPartAtMost - (6 * 114), "the free candidate slots should take a byte each");
    }
}
