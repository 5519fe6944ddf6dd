namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// How a trial's alarms are matched to its truth (docs/signal-core.md, "Evaluation"). Stated here once so that the
/// report, the docs and the tests quote the same numbers.
/// </summary>
internal static class ScoringRules
{
    /// <summary>
    /// Slack around an annotated window, s: none. An annotated fall or stumble is hit only by an alarm whose onset
    /// lies inside the span of its ALERT and FALL labels.
    /// </summary>
    public const double AnnotatedToleranceSeconds = 0;

    /// <summary>
    /// Half-width of the window around the reference time of a trial without per-sample labels, s: the trial's
    /// largest acceleration magnitude (the impact or the jolt) ± 2 s. Two seconds hold a slip's whole sequence
    /// (loss of balance, impact, settling) and keep out an alarm at a random moment of a 12–15 s trial.
    /// </summary>
    public const double UnannotatedToleranceSeconds = 2.0;

    /// <summary>
    /// Still time fed after each trial's last sample, beyond the detector's longest decision point, s: a trial's end
    /// is not the end of the wearer, and a perturbation in its last seconds must be decided and scored, not dropped.
    /// </summary>
    public const double FlushMarginSeconds = 0.5;
}
