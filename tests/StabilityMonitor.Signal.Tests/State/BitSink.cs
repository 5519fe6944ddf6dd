using System.Globalization;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>
/// Records events and windows in the order produced, each as a line holding every field bit for bit (floats as
/// their IEEE bits: 0 and -0, or two NaNs, would compare equal as floats but not here).
/// </summary>
internal sealed class BitSink : IProcessorSink
{
    public List<string> Lines { get; } = [];

    public List<StabilityEvent> Events { get; } = [];

    public void OnEvent(in StabilityEvent e)
    {
        Events.Add(e);
        Lines.Add(string.Create(CultureInfo.InvariantCulture, $"event {e.Kind} t={e.TimeMicros} decided={e.DecisionTimeMicros} severity={e.Severity} score={B(e.Score)} peak={B(e.PeakAccelG)} jerk={B(e.PeakJerkGPerS)} duration={B(e.DurationMs)} tilt={B(e.TiltChangeDeg)}"));
    }

    public void OnWindow(in SwayMetrics m) =>
        Lines.Add(string.Create(CultureInfo.InvariantCulture, $"window {m.StartMicros}..{m.EndMicros} {m.Posture} {m.Activity} tilt={B(m.TiltDeg)} ap={B(m.RmsAp)} ml={B(m.RmsMl)} jerk={B(m.JerkRms)} velocity={B(m.MeanVelocity)} path={B(m.PathLength)} ellipse={B(m.EllipseArea95)} centroid={B(m.CentroidFrequencyHz)}"));

    private static string B(float value) => BitConverter.SingleToInt32Bits(value).ToString("x8", CultureInfo.InvariantCulture);
}
