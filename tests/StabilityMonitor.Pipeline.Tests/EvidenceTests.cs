using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>Evidence traces of near-falls and falls: 4 s either side of the event, 25 Hz, on device time.</summary>
public class EvidenceTests
{
    private const string Topic = "wearables/dev-a/accel";
    private const long SlotMicros = 40_000;

    [Fact]
    public void Evidence_ScriptedStumble_TraceCoversFourSecondsEitherSideAt25HzWithItsPeakAtTheEvent()
    {
        var (frames, stumble) = Recordings.NearFall();
        using var harness = new PipelineHarness();
        var log = new List<object>();
        using var _ = harness.Pipeline.Events.Subscribe(log.Add);
        using var __ = harness.Pipeline.Evidence.Subscribe(log.Add);

        foreach (var frame in frames)
        {
            harness.Deliver(Topic, frame.Bytes);
        }

        var nearFall = Assert.Single(log.OfType<DeviceEvent>(), static e => e.Event.Kind == EventKind.NearFall);
        var trace = Assert.Single(log.OfType<EventEvidence>());
        Assert.True(log.IndexOf(nearFall) < log.IndexOf(trace), "the trace follows its event");
        var t = nearFall.Event.TimeMicros;
        Assert.Equal(("dev-a", EventKind.NearFall, t), (trace.DeviceId, trace.Kind, trace.TimeMicros));
        Assert.Equal(25, trace.RateHz);
        Assert.False(trace.Truncated);
        Assert.InRange(trace.Samples.Count, 199, 201);
        Assert.InRange(trace.StartMicros, t - 4_000_000 - SlotMicros, t - 4_000_000 + SlotMicros);
        Assert.InRange(trace.StartMicros + (trace.Samples.Count * SlotMicros), t + 4_000_000 - SlotMicros, t + 4_000_000 + SlotMicros);

        // The largest acceleration of the trace is the stumble's peak.
        var peak = Enumerable.Range(0, trace.Samples.Count).MaxBy(i => Magnitude(trace.Samples[i]));
        var peakMicros = trace.StartMicros + (peak * SlotMicros) + (SlotMicros / 2);
        Assert.InRange(peakMicros - stumble.DeviceTimeMicros, -200_000, 200_000);
        Assert.InRange(Magnitude(trace.Samples[peak]), 1500, 16000);

        // Standing and walking around it: about 1 g on average.
        Assert.InRange(trace.Samples.Average(Magnitude), 800, 1300);
        Assert.Equal(1, harness.EventStore.Query(new EventQuery(DeviceId: "dev-a", Kind: EventKind.NearFall)).Total);
    }

    [Fact]
    public void Evidence_Fall_TraceIsPublishedOnceTheDevicePassesTheImpactPlusFourSeconds()
    {
        var markers = new List<Simulation.MotionMarker>();
        var frames = Recordings.Record("dev-a", Simulation.WearerProfile.Random(4), new Simulation.MotionScript().Stand(4).Walk(5).Fall(10), 4, 50, 25, markers);
        using var harness = new PipelineHarness();
        var events = new List<DeviceEvent>();
        var evidence = new List<(EventEvidence Trace, long DeviceTimeWhenPublished)>();
        long deviceTime = 0;
        using var _ = harness.Pipeline.Events.Subscribe(events.Add);
        using var __ = harness.Pipeline.Evidence.Subscribe(e => evidence.Add((e, deviceTime)));

        foreach (var frame in frames)
        {
            deviceTime = frame.Header.EndTimeMicros;
            harness.Deliver(Topic, frame.Bytes);
        }

        var fall = Assert.Single(events, static e => e.Event.Kind == EventKind.Fall);
        var (trace, publishedAt) = Assert.Single(evidence);
        Assert.Equal((EventKind.Fall, fall.Event.TimeMicros), (trace.Kind, trace.TimeMicros));
        Assert.False(trace.Truncated);
        Assert.Equal(200, trace.Samples.Count);

        // Published with the frame that carried the device past the event's time + 4 s.
        Assert.InRange(publishedAt - fall.Event.TimeMicros, 4_000_000, 4_000_000 + 500_000 + SlotMicros);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Evidence_DeviceGoesOfflineBeforeTheWindowEnds_TraceIsPublishedCutShort(bool willMessage)
    {
        var (frames, _) = Recordings.NearFall();
        using var harness = new PipelineHarness(new PipelineOptions { SilenceTimeout = TimeSpan.FromSeconds(3) });
        var events = new List<DeviceEvent>();
        var evidence = new List<EventEvidence>();
        using var _ = harness.Pipeline.Events.Subscribe(events.Add);
        using var __ = harness.Pipeline.Evidence.Subscribe(evidence.Add);
        using var check = harness.StartSilenceCheck();

        long lastEnd = 0;
        foreach (var frame in frames)
        {
            harness.Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(500));
            harness.Deliver(Topic, frame.Bytes);
            lastEnd = frame.Header.EndTimeMicros;
            if (events.Count > 0)
            {
                break; // the wearer's device dies right after the near-fall was raised
            }
        }

        Assert.Empty(evidence);
        if (willMessage)
        {
            harness.Deliver("wearables/dev-a/status", """{"online":false}"""u8);
        }
        else
        {
            harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(4));
        }

        var trace = Assert.Single(evidence);
        var t = Assert.Single(events).Event.TimeMicros;
        Assert.True(trace.Truncated);
        Assert.Equal(t, trace.TimeMicros);
        Assert.InRange(trace.StartMicros, t - 4_000_000 - SlotMicros, t - 4_000_000 + SlotMicros);
        Assert.InRange(trace.Samples.Count, 100, 199);
        Assert.InRange(trace.StartMicros + (trace.Samples.Count * SlotMicros), lastEnd - SlotMicros, lastEnd + SlotMicros);
    }

    private static double Magnitude(EvidencePoint p) => Math.Sqrt((p.XMilliG * (double)p.XMilliG) + (p.YMilliG * (double)p.YMilliG) + (p.ZMilliG * (double)p.ZMilliG));
}
