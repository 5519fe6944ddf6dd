namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>The matching rules a report was scored with (<see cref="ScoringRules"/>), written into the report.</summary>
/// <param name="AnnotatedToleranceS">Slack around an annotated ALERT/FALL span, s.</param>
/// <param name="UnannotatedToleranceS">Half-width of the window around an unannotated trial's largest acceleration, s.</param>
/// <param name="FlushMarginS">Still time fed after every trial beyond the detector's last decision point, s.</param>
/// <param name="Rule">The rule in words.</param>
internal sealed record ScoringSummary(double AnnotatedToleranceS, double UnannotatedToleranceS, double FlushMarginS, string Rule)
{
    public static ScoringSummary Current { get; } = new(
        ScoringRules.AnnotatedToleranceSeconds,
        ScoringRules.UnannotatedToleranceSeconds,
        ScoringRules.FlushMarginSeconds,
        "one incident per fall / near-fall trial, hit only by an alarm of its kind whose onset lies in the trial's window; "
        + "every other alarm is a false alarm; every trial is flushed with still samples so that its last perturbation is decided");
}
