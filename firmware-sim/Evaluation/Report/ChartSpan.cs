namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>A shaded stretch of a trace chart.</summary>
/// <param name="StartS">Start, s from the trial's start.</param>
/// <param name="EndS">End, s from the trial's start.</param>
/// <param name="CssClass">How it is drawn (a class of the page's style sheet).</param>
/// <param name="Label">What it is, shown as its tooltip.</param>
internal sealed record ChartSpan(double StartS, double EndS, string CssClass, string Label);
