using System.Security.Cryptography;
using System.Text;
using StabilityMonitor.FirmwareSim.Scoring;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.Signal.Tests.Simulator;

public sealed class WearableSessionTests
{
    private const long Start = 1_704_067_200_000_000;

    private static readonly TimelineStep[] s_timeline =
    [
        new(ScenarioActivity.Stand, 10),
        new(ScenarioActivity.Walk, 10),
        new(ScenarioActivity.Stumble),
        new(ScenarioActivity.Walk, 8),
        new(ScenarioActivity.Fall) { LieSeconds = 8 },
    ];

    [Fact]
    public void SameSeed_GivesTheSameMessagesByteForByte_AnotherSeedDoesNot()
    {
        var a = Digest(Session(seed: 7));
        var b = Digest(Session(seed: 7));
        var c = Digest(Session(seed: 8));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void DryRunCommand_TwiceWithTheSameSeed_PrintsTheSameDigest()
    {
        var path = Path.Combine(ScenarioParserTests.RepositoryRoot(), "scenarios", "faults-ward.json");
        using var dir = new Evaluation.TempDirectory();
        var args = new[] { "run", "--scenario", path, "--dry-run", "--start", "2024-01-01T00:00:00Z", "--ground-truth", Path.Combine(dir.Path, "gt.jsonl") };

        var first = Evaluation.CommandRun.Invoke(args);
        var second = Evaluation.CommandRun.Invoke(args);
        var other = Evaluation.CommandRun.Invoke([.. args, "--seed", "99"]);

        Assert.Equal(0, first.ExitCode);
        var digest = first.Output.Split('\n').Single(static l => l.StartsWith("messages sha256", StringComparison.Ordinal));
        Assert.Contains(digest, second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(digest, other.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Frames_FollowTheWireFormat_WithConsecutiveSequenceAndContinuousDeviceTime()
    {
        var session = Session(seed: 1);
        var samples = new AccelSample[BinaryFrameCodec.MaxSamples];
        FrameHeader? previous = null;
        var frames = 0;
        while (session.TryNext(out var m))
        {
            if (m.Kind != OutboundKind.Frame)
            {
                continue;
            }

            Assert.Equal(FrameError.None, FrameDecoder.TryDecode(m.Payload.Span, samples, out var header));
            Assert.Equal(50, header.SampleRateHz);
            Assert.Equal(25, header.SampleCount);
            if (previous is { } p)
            {
                Assert.Equal(p.Sequence + 1, header.Sequence);
                Assert.Equal(p.EndTimeMicros, header.DeviceTimeMicros);
            }

            previous = header;
            frames++;
        }

        Assert.Equal(100, frames);
    }

    [Fact]
    public void LossBurst_DropsEveryFrameInTheWindow_AndCountsThem()
    {
        var session = Session(seed: 2, new FaultSpec(FaultKind.Loss, 4, 6));
        var sequences = Frames(session).Select(static f => f.Sequence).ToList();

        // Frames start every 0.5 s: those starting at 4.0, 4.5, 5.0, 5.5 s are numbers 8..11.
        Assert.Equal(96, sequences.Count);
        Assert.DoesNotContain(sequences, static s => s is >= 8 and <= 11);
        Assert.Equal(4, session.ExpectedQuality().Lost);
        Assert.Equal(4, Assert.Single(session.GroundTruth(), static r => r.Kind == "loss").Frames);
    }

    [Fact]
    public void Duplicates_AndReorders_AreCountedAsTheServerWouldCountThem()
    {
        var session = Session(seed: 3, new FaultSpec(FaultKind.Duplicate, 0, double.PositiveInfinity) { Probability = 0.2 }, new FaultSpec(FaultKind.Reorder, 0, double.PositiveInfinity) { Probability = 0.2 });
        var frames = Frames(session).Select(static f => f.Sequence).ToList();
        var expected = session.ExpectedQuality();

        Assert.Equal(frames.Count - frames.Distinct().Count(), expected.Duplicates);
        Assert.Equal(CountLateArrivals(frames), expected.Reordered);
        Assert.InRange(expected.Duplicates, 10, 35);
        Assert.InRange(expected.Reordered, 8, 30);
        Assert.NotEqual(0u, frames[0] == 0 ? 1u : 0u);
    }

    [Fact]
    public void Malformed_WithACount_PublishesExactlyThatManyAndEachIsRejectedByTheDecoder()
    {
        var session = Session(seed: 4, new FaultSpec(FaultKind.Malformed, 2, 14) { Count = 12 });
        var samples = new AccelSample[BinaryFrameCodec.MaxSamples];
        var malformed = All(session).Where(static m => m.Kind == OutboundKind.Malformed).ToList();

        Assert.Equal(12, malformed.Count);
        Assert.All(malformed, m => Assert.NotEqual(FrameError.None, FrameDecoder.TryDecode(m.Payload.Span, samples, out _)));
        Assert.Equal(MalformedPayloads.Kinds, malformed.Select(m => { FrameDecoder.TryDecode(m.Payload.Span, samples, out _); return FrameDecoder.TryDecode(m.Payload.Span, samples, out var _); }).Distinct().Count());
        Assert.All(malformed, static m => Assert.InRange(m.DueSeconds, 2, 14));
    }

    [Fact]
    public void Disconnect_Buffered_DropsThenReconnectsAndSendsTheHeldFramesInOrder()
    {
        var session = Session(seed: 5, new FaultSpec(FaultKind.Disconnect, 10, 13));
        var messages = All(session).ToList();
        var drop = messages.FindIndex(static m => m.Kind == OutboundKind.Drop);
        var reconnect = messages.FindIndex(drop, static m => m.Kind == OutboundKind.Connect);

        Assert.Equal(10, messages[drop].DueSeconds);
        Assert.Equal(13, messages[reconnect].DueSeconds);
        var flushed = messages.Skip(reconnect + 1).TakeWhile(static m => m.DueSeconds == 13 && m.Kind == OutboundKind.Frame).Select(static m => m.Sequence).ToList();
        // The six frames due during the outage (10.0 .. 12.5 s), then the one due at 13 s.
        Assert.Equal(7, flushed.Count);
        Assert.Equal(flushed.Order(), flushed);
        Assert.Equal(6, Assert.Single(session.GroundTruth(), static r => r.Kind == "disconnect").Frames);
        Assert.Equal(0, session.ExpectedQuality().Lost);
        Assert.Equal(100, messages.Count(static m => m.Kind == OutboundKind.Frame));
    }

    [Fact]
    public void Disconnect_Unbuffered_LosesTheFramesOfTheOutage()
    {
        var session = Session(seed: 5, new FaultSpec(FaultKind.Disconnect, 10, 13) { Buffer = false });

        Assert.Equal(94, Frames(session).Count());
        Assert.Equal(6, session.ExpectedQuality().Lost);
    }

    [Fact]
    public void ClockJump_AndDrift_MoveTheDeviceTimestamps()
    {
        var jump = Session(seed: 6, new FaultSpec(FaultKind.ClockJump, 20, 20) { OffsetSeconds = 5 });
        var frames = Frames(jump).ToList();

        Assert.Equal(Start + 19_500_000, frames[39].Header.DeviceTimeMicros);
        Assert.Equal(Start + 25_000_000, frames[40].Header.DeviceTimeMicros);
        Assert.Equal(1, jump.ExpectedQuality().ClockJumps);

        var drift = Session(seed: 6, new FaultSpec(FaultKind.ClockDrift, 0, double.PositiveInfinity) { Ppm = 100 });
        Assert.Equal(Start + 40_004_000, drift.DeviceMicros(40));
    }

    [Fact]
    public void Saturation_ClipsAndStuckAxis_HoldsItsValue()
    {
        var session = Session(seed: 7, new FaultSpec(FaultKind.Saturation, 0, double.PositiveInfinity) { LimitG = 1.5 }, new FaultSpec(FaultKind.StuckAxis, 0, 15) { Axis = 0 });
        var frames = Frames(session).ToList();
        var samples = frames.SelectMany(static f => f.Samples).ToList();

        Assert.All(samples, static s => Assert.InRange(MathF.Max(MathF.Abs(s.X), MathF.Max(MathF.Abs(s.Y), MathF.Abs(s.Z))), 0, 1.5f + 1e-3f));
        Assert.Single(frames.Take(30).SelectMany(static f => f.Samples).Select(static s => s.X).Distinct());
        Assert.True(frames.Skip(31).SelectMany(static f => f.Samples).Select(static s => s.X).Distinct().Count() > 10);
    }

    [Fact]
    public void LowBattery_IsReportedInTheStatus_AndAnEmptyBatteryDropsTheDevice()
    {
        var spec = Spec(9, new FaultSpec(FaultKind.LowBattery, 10, 10) { Level = 0.001 }) with { Device = new DeviceSettings { DrainPerHour = 1, StatusEverySeconds = 5 } };
        var session = new WearableSession(spec, 50, Start);
        var messages = All(session).ToList();
        var low = messages.First(static m => m.Kind == OutboundKind.Status && m.DueSeconds == 10);

        Assert.Contains("\"battery\":0.001", Encoding.UTF8.GetString(low.Payload.Span), StringComparison.Ordinal);
        var dead = Assert.Single(messages, static m => m.Kind == OutboundKind.Drop);
        Assert.InRange(dead.DueSeconds, 13, 14.5);
        Assert.DoesNotContain(messages, static m => m.Kind == OutboundKind.Shutdown);
        Assert.Contains(session.GroundTruth(), static r => r.Kind == "battery_dead");
    }

    [Fact]
    public void GroundTruth_HasTheStumbleAndTheFall_InDeviceTime()
    {
        var session = Session(seed: 10);
        _ = All(session).ToList();
        var truth = session.GroundTruth();

        var nearFall = Assert.Single(truth, static r => r.Kind == GroundTruthRecord.NearFall);
        var fall = Assert.Single(truth, static r => r.Kind == GroundTruthRecord.Fall);
        Assert.Equal("stumble", nearFall.Detail);
        Assert.InRange(nearFall.PeakMicros!.Value, Start + 20_300_000, Start + 20_500_000);
        Assert.InRange(fall.PeakMicros!.Value, Start + 30_500_000 + 800_000, Start + 30_500_000 + 1_200_000);
        var line = fall.ToJsonLine();
        Assert.Equal(fall with { PeakG = Math.Round(fall.PeakG!.Value, 3) }, GroundTruthRecord.Parse(line));
    }

    [Fact]
    public void ScenarioWearers_ThroughTheDeviceProcessor_RaiseTheirStumblesAndFalls()
    {
        var scenario = ScenarioParser.ParseFile(Path.Combine(ScenarioParserTests.RepositoryRoot(), "scenarios", "stumble-and-fall.json"));
        var duration = StabilityMonitor.FirmwareSim.Run.RunAction.DefaultDuration(scenario);
        var sessions = scenario.Wearers.Select(w => new WearableSession(w, duration, Start)).ToList();

        var events = sessions.SelectMany(static s => OfflineDetector.Detect(s)).ToList();
        var report = Scorer.Score([.. sessions.SelectMany(static s => s.GroundTruth())], events, TimeSpan.FromSeconds(1.5));

        Assert.Equal(7, report.Truth);
        Assert.True(report.Perfect, string.Join("; ", report.Matches.Where(static m => m.Outcome != "hit").Select(static m => $"{m.Device} {m.Kind} {m.Outcome}")));
    }

    internal static WearerSpec Spec(int seed, params FaultSpec[] faults) =>
        new("dev-1", WearerKind.Steady, seed, new DeviceSettings(), s_timeline, faults);

    private static WearableSession Session(int seed, params FaultSpec[] faults) => new(Spec(seed, faults), 50, Start);

    private static IEnumerable<OutboundMessage> All(WearableSession session)
    {
        while (session.TryNext(out var message))
        {
            yield return message;
        }
    }

    private static IEnumerable<(uint Sequence, FrameHeader Header, AccelSample[] Samples)> Frames(WearableSession session)
    {
        foreach (var m in All(session).Where(static m => m.Kind == OutboundKind.Frame))
        {
            var samples = new AccelSample[BinaryFrameCodec.MaxSamples];
            Assert.Equal(FrameError.None, BinaryFrameCodec.TryDecode(m.Payload.Span, samples, out var header));
            yield return (m.Sequence, header, samples[..header.SampleCount]);
        }
    }

    private static string Digest(WearableSession session)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var m in All(session))
        {
            hash.AppendData(BitConverter.GetBytes(m.DueSeconds));
            hash.AppendData([(byte)m.Kind]);
            hash.AppendData(m.Payload.Span);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Frames that arrive while a later-numbered frame was already seen (first copies only).</summary>
    private static int CountLateArrivals(List<uint> sequences)
    {
        var seen = new HashSet<uint>();
        var highest = -1L;
        var late = 0;
        foreach (var s in sequences)
        {
            if (!seen.Add(s))
            {
                continue;
            }

            if (s < highest)
            {
                late++;
            }

            highest = Math.Max(highest, s);
        }

        return late;
    }
}
