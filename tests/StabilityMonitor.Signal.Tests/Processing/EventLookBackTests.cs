using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Rules;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Processing;

/// <summary>
/// When a near-fall or a fall is raised, the processor's raw history still reaches <see cref="DeviceProcessor.EventLookBackSeconds"/>
/// before the event's time, whichever rule raised it and however late (a soft fall is timed at the last upright moment
/// and raised after the wearer has lain still for seconds): the pipeline's evidence trace takes its first 4 s from it
/// and keeps no history of its own.
/// </summary>
public sealed class EventLookBackTests
{
    private const long Start = 1_700_000_000_000_000;
    private const long SlotMicros = 40_000;

    [Theory]
    [InlineData("stumble", 50)]
    [InlineData("fall", 50)]
    [InlineData("soft fall", 50)]
    [InlineData("stumble", 25)]
    [InlineData("soft fall", 25)]
    [InlineData("fall", 100)]
    [InlineData("soft fall", 100)]
    public void Alarm_WhenRaised_TheHistoryHoldsTheFourSecondsBeforeItsSlot(string scenario, int rate)
    {
        var stream = scenario switch
        {
            "stumble" => new SyntheticStream(rate).Stand(6).Walk(4).Stumble().Walk(6),
            "fall" => new SyntheticStream(rate).Stand(6).Walk(4).Fall(),
            _ => SoftFall(rate),
        };
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new LookBackSink(processor);
        stream.Feed(processor, sink, frameSize: 0, Start, firstSequence: 0);

        var (alarm, from, first, last, count) = Assert.Single(sink.Alarms);
        Assert.Equal(scenario == "stumble" ? EventKind.NearFall : EventKind.Fall, alarm.Kind);
        Assert.Equal(scenario == "soft fall" ? (byte)2 : alarm.Severity, alarm.Severity);

        // The first sample handed over is the first at or after the trace's start (so the history reached back that
        // far), the samples run without a gap to the one that raised the event.
        var period = 1_000_000L / rate;
        Assert.InRange(first - from, 0, period);
        Assert.Equal(alarm.DecisionTimeMicros, last);
        Assert.InRange(count, ((last - first) / period) + 1 - 1, ((last - first) / period) + 1 + 1);
    }

    private static SyntheticStream SoftFall(int rate)
    {
        var stream = SoftFallRuleTests.Slump(new SyntheticStream(rate).Stand(5).Walk(4), seconds: 0.6, impactG: 1.6).Stand(0);
        SoftFallRuleTests.AddLying(stream, 12);
        return stream;
    }

    private sealed class LookBackSink(DeviceProcessor processor) : IProcessorSink
    {
        public List<(StabilityEvent Alarm, long From, long First, long Last, int Count)> Alarms { get; } = [];

        public void OnEvent(in StabilityEvent stabilityEvent)
        {
            if (stabilityEvent.Kind is not (EventKind.Fall or EventKind.NearFall))
            {
                return;
            }

            // As the evidence trace asks: from the start of the slot 4 s before the event's.
            var from = ((stabilityEvent.TimeMicros / SlotMicros) - 100) * SlotMicros;
            var reader = new Reader();
            processor.ReplayHistory(from, ref reader);
            Alarms.Add((stabilityEvent, from, reader.First, reader.Last, reader.Count));
        }

        public void OnWindow(in SwayMetrics metrics)
        {
        }
    }

    private struct Reader : IHistoryReader
    {
        public long First { get; private set; }

        public long Last { get; private set; }

        public int Count { get; private set; }

        public void OnSample(long deviceTimeMicros, in AccelSample sample)
        {
            First = Count == 0 ? deviceTimeMicros : First;
            Last = deviceTimeMicros;
            Count++;
        }
    }
}
