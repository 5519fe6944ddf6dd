using StabilityMonitor.Simulation;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>Simulated recordings built with the shared simulation code.</summary>
internal static class Recordings
{
    public const long StartMicros = 1_700_000_000_000_000;

    /// <summary>Stand, walk, one stumble, walk on: the scripted near-fall. Returns the frames and the stumble's ground truth.</summary>
    public static (List<RecordedFrame> Frames, MotionMarker Stumble) NearFall(int seed = 3, int rateHz = 50, int samplesPerFrame = 25)
    {
        var script = new MotionScript().Stand(4).Walk(8).Stumble().Walk(8).Stand(4);
        var markers = new List<MotionMarker>();
        var frames = Record("dev-a", WearerProfile.Random(seed), script, seed, rateHz, samplesPerFrame, markers);
        return (frames, Assert.Single(markers));
    }

    public static List<RecordedFrame> Record(string id, WearerProfile profile, IMotionPlan plan, int seed, int rateHz, int samplesPerFrame, List<MotionMarker>? markers, double seconds = 0)
    {
        var emulator = new WearableEmulator(id, profile, plan, new WearableOptions { RateHz = rateHz, SamplesPerFrame = samplesPerFrame, StartMicros = StartMicros, Seed = seed });
        if (markers is not null)
        {
            emulator.MarkerReached = markers.Add;
        }

        var total = seconds > 0 ? seconds : ((MotionScript)plan).Seconds;
        var frames = new List<RecordedFrame>();
        while (emulator.NextFrameTimeMicros < StartMicros + (long)(total * 1_000_000))
        {
            var bytes = new byte[emulator.FrameBytes];
            var header = emulator.WriteNextFrame(bytes);
            frames.Add(new RecordedFrame(header, bytes));
        }

        return frames;
    }
}
