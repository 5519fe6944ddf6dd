using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using Xunit.Abstractions;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>What one 50 Hz wearable in its steady state keeps on the pipeline's heap (issue 11: resident memory per wearable).</summary>
[Collection(nameof(DeviceMemoryTests))]
public class DeviceMemoryTests(ITestOutputHelper output)
{
    private const int Devices = 1_000;
    private const int Rate = 50;
    private const int SamplesPerFrame = 25;

    // 12 s of frames: every ring and window has filled and wrapped once (the longest, the detector's, holds 7 s).
    private const int Frames = 24;

    [Fact]
    public void SteadyState_FiftyHertzWearables_KeepLessThanTheBoundEach()
    {
        using var harness = new PipelineHarness();
        var payloads = Enumerable.Range(0, Frames).Select(Frame).ToArray();

        // One device first, so what is created once per pipeline (pools, designs, JIT) is not counted per device.
        Feed(harness, "warm", payloads);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var d = 0; d < Devices; d++)
        {
            Feed(harness, $"dev-{d}", payloads);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perDevice = (after - before) / (double)Devices;
        output.WriteLine($"{Devices} devices at {Rate} Hz after {Frames * SamplesPerFrame / Rate} s: {perDevice:F0} bytes of heap per device");

        Assert.Equal(Devices + 1, harness.Metrics.DevicesKnown);
        Assert.All(Enumerable.Range(0, Devices), d => Assert.Equal(Frames, harness.Pipeline.GetDevice($"dev-{d}")!.Quality.Frames));

        // A regression guard: ~17.3 KB before issue 11's compaction; ~15.5 KB with the sequencer's hold array lent
        // only while holding; ~13.6 KB with the detector's history as 16-bit counts; ~11.8 KB with the evidence ring's
        // means as 16-bit counts; ~10.7 KB with the detector's candidate slots borrowed only while a candidate is open;
        // ~9.4 KB with the sway filters' sections compact (delay lines only, coefficients shared); ~8.3 KB with the
        // sitting/standing history's block means as 16-bit counts; ~7.1 KB with the evidence ring gone (a waiting trace
        // takes what led up to its event from the detector's raw history, 3 s longer for it); ~5.9 KB with the
        // sitting/standing tracker reading its block means from that raw history instead of keeping its own.
        Assert.True(perDevice < 6_300, $"{perDevice:F0} bytes per device");
    }

    private static void Feed(PipelineHarness harness, string id, byte[][] payloads)
    {
        foreach (var payload in payloads)
        {
            harness.Deliver($"wearables/{id}/accel", payload);
        }
    }

    // Standing with a little sway and noise: quiet enough for rests and windows, never a candidate.
    private static byte[] Frame(int frame)
    {
        var samples = new AccelSample[SamplesPerFrame];
        var random = new Random(frame);
        for (var i = 0; i < samples.Length; i++)
        {
            var t = ((frame * SamplesPerFrame) + i) / (float)Rate;
            samples[i] = new AccelSample(0.02f * MathF.Sin(t) + (0.005f * random.NextSingle()), 1f + (0.005f * random.NextSingle()), 0.02f * MathF.Cos(0.7f * t));
        }

        return PipelineHarness.Encode(new FrameHeader(Rate, 8, SamplesPerFrame, (uint)frame, Recordings.StartMicros + (frame * 500_000L)), samples);
    }
}

/// <summary>Runs the memory measurement alone: other tests' garbage would count in the heap it compares.</summary>
[CollectionDefinition(nameof(DeviceMemoryTests), DisableParallelization = true)]
public sealed class DeviceMemoryCollection;
