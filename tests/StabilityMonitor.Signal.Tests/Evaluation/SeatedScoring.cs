using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Evaluation;

/// <summary>
/// Runs a recording through a fresh processor and follows <see cref="DeviceProcessor.Seated"/> at every frame's end:
/// what it read at the start, in the middle and at the end, and whether it ever read sitting.
/// </summary>
internal static class SeatedScoring
{
    /// <summary>The first seconds of a trial, where every SisFall and UMAFall subject stands.</summary>
    public const double StartSeconds = 2;

    public static SeatedTrace Trace(Recording recording)
    {
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new NullSink();
        var start = SitStand.Unknown;
        var middle = SitStand.Unknown;
        var sittingAtStart = false;
        var everSitting = false;
        var firstSittingSeconds = double.NaN;
        var samples = 0L;
        var total = recording.Samples.Length;
        foreach (var frame in RecordingFramer.Frames(recording))
        {
            processor.Process(frame.Header, frame.Samples.Span, sink);
            var before = samples;
            samples += frame.Samples.Length;
            var seconds = samples / (double)recording.SampleRateHz;
            var seated = processor.Seated;
            if (seconds <= StartSeconds)
            {
                start = seated;
                sittingAtStart |= seated == SitStand.Sitting;
            }

            if (before < total / 2 && samples >= total / 2)
            {
                middle = seated;
            }

            if (seated == SitStand.Sitting && !everSitting)
            {
                everSitting = true;
                firstSittingSeconds = seconds;
            }
        }

        return new SeatedTrace(recording.Name, start, sittingAtStart, middle, everSitting, firstSittingSeconds, processor.Seated);
    }

    private sealed class NullSink : IProcessorSink
    {
        public void OnEvent(in StabilityEvent stabilityEvent)
        {
        }

        public void OnWindow(in SwayMetrics metrics)
        {
        }
    }
}

/// <summary>What <see cref="DeviceProcessor.Seated"/> read over one trial.</summary>
internal sealed record SeatedTrace(
    string Name,
    SitStand AtStart,
    bool SittingAtStart,
    SitStand AtMiddle,
    bool EverSitting,
    double FirstSittingSeconds,
    SitStand AtEnd)
{
    /// <summary>Sat down and got up again: sitting at some point, standing at the end.</summary>
    public bool SatAndRose => EverSitting && AtEnd == SitStand.Standing;
}
