using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Scoring;

/// <summary>
/// Runs a scenario without a broker: each wearer's frames are decoded, put in sequence order without duplicates
/// (as the pipeline's sequencer does) and fed to a <see cref="DeviceProcessor"/>. For checking scenarios and
/// motion models quickly; the live path is <c>run</c> + <c>score</c>.
/// </summary>
internal static class OfflineDetector
{
    public static IReadOnlyList<ObservedEvent> Detect(WearableSession session, ProcessorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        var frames = new SortedDictionary<uint, byte[]>();
        while (session.TryNext(out var message))
        {
            if (message.Kind == OutboundKind.Frame)
            {
                frames.TryAdd(message.Sequence, message.Payload.ToArray());
            }
        }

        var processor = new DeviceProcessor(options ?? new ProcessorOptions());
        var collector = new EventCollector();
        var samples = new AccelSample[BinaryFrameCodec.MaxSamples];
        foreach (var payload in frames.Values)
        {
            if (BinaryFrameCodec.TryDecode(payload, samples, out var header) == FrameError.None)
            {
                processor.Process(header, samples.AsSpan(0, header.SampleCount), collector);
            }
        }

        return [.. collector.Events.Select(e => new ObservedEvent(session.Id, TrialEvent.KindLabel(e.Kind), e.TimeMicros, e.DecisionTimeMicros, e.PeakAccelG))];
    }
}
