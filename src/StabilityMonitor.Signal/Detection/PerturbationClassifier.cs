namespace StabilityMonitor.Signal.Detection;

/// <summary>Decides what a measured perturbation was. Stateless; thresholds in <see cref="ClassifierOptions"/>.</summary>
public static class PerturbationClassifier
{
    /// <summary>The event kind the features call for, or null for an ordinary movement.</summary>
    public static EventKind? Classify(in PerturbationFeatures f, ClassifierOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (f.PeakAccelG >= o.FallPeakG && f.TiltAfterDeg >= o.FallLyingDeg && f.TiltChangeDeg >= o.FallTiltChangeDeg)
        {
            return EventKind.Fall;
        }

        if (f.PeakAccelG >= o.NearFallPeakG
            && f.PeakAccelG >= o.NearFallPeakOverBaseline * f.PreMaxG
            && f.TiltAfterDeg < o.FallLyingDeg)
        {
            return EventKind.NearFall;
        }

        return null;
    }
}
