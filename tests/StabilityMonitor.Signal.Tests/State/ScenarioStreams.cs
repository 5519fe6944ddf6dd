using StabilityMonitor.FirmwareSim.Run;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Tests.Simulator;
using StabilityMonitor.Signal.Tests.Synthetic;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>Frame streams for the continuation tests, from the simulator's scenarios and the synthetic streams.</summary>
internal static class ScenarioStreams
{
    public const long Start = 1_704_067_200_000_000;

    /// <summary>
    /// scenarios/stumble-and-fall.json (walks, stumbles, a trip, a slip, sit-down and stand-up, falls), each wearer
    /// sampled at <paramref name="rateHz"/> in half-second frames, decoded from the wire bytes.
    /// </summary>
    public static IReadOnlyList<(string Id, List<StreamFrame> Frames)> StumbleAndFall(int rateHz = 50)
    {
        var scenario = ScenarioParser.ParseFile(Path.Combine(ScenarioParserTests.RepositoryRoot(), "scenarios", "stumble-and-fall.json"));
        var duration = RunAction.DefaultDuration(scenario);
        return
        [
            .. scenario.Wearers.Select(w =>
            {
                var spec = w with { Device = w.Device with { RateHz = rateHz, SamplesPerFrame = Math.Max(1, rateHz / 2) } };
                return (w.Id, Frames(new WearableSession(spec, duration, Start)));
            }),
        ];
    }

    public static List<StreamFrame> Frames(WearableSession session)
    {
        // In sequence order without duplicates, as the pipeline's sequencer delivers them.
        var payloads = new SortedDictionary<uint, byte[]>();
        while (session.TryNext(out var message))
        {
            if (message.Kind == OutboundKind.Frame)
            {
                payloads.TryAdd(message.Sequence, message.Payload.ToArray());
            }
        }

        var frames = new List<StreamFrame>();
        var buffer = new AccelSample[BinaryFrameCodec.MaxSamples];
        foreach (var payload in payloads.Values)
        {
            Assert.Equal(FrameError.None, BinaryFrameCodec.TryDecode(payload, buffer, out var header));
            frames.Add(new StreamFrame(header, buffer[..header.SampleCount]));
        }

        return frames;
    }

    /// <summary>A synthetic stream cut into frames, numbered and timed from <paramref name="firstSequence"/> and <paramref name="startMicros"/>.</summary>
    public static List<StreamFrame> Frames(SyntheticStream stream, long startMicros, uint firstSequence = 0)
    {
        var samples = stream.Samples.ToArray();
        var size = Math.Max(1, stream.Rate / 2);
        var frames = new List<StreamFrame>();
        var sequence = firstSequence;
        for (var offset = 0; offset < samples.Length; offset += size)
        {
            var n = Math.Min(size, samples.Length - offset);
            var header = new FrameHeader((ushort)stream.Rate, 16, (ushort)n, sequence++, startMicros + (offset * 1_000_000L / stream.Rate));
            frames.Add(new StreamFrame(header, samples[offset..(offset + n)]));
        }

        return frames;
    }

    /// <summary>The same frames renumbered and retimed to follow <paramref name="previous"/> without a gap.</summary>
    public static IEnumerable<StreamFrame> Following(StreamFrame previous, IEnumerable<StreamFrame> frames)
    {
        var sequence = previous.Header.Sequence + 1;
        var time = previous.EndMicros;
        foreach (var f in frames)
        {
            var h = f.Header;
            var moved = new StreamFrame(new FrameHeader(h.SampleRateHz, h.RangeG, h.SampleCount, sequence++, time), f.Samples);
            time = moved.EndMicros;
            yield return moved;
        }
    }
}
