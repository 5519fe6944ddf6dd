namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>An event on a trace chart: a line at its onset and, when later, a bar to its decision.</summary>
/// <param name="TimeS">Onset, s from the trial's start.</param>
/// <param name="DecisionS">Decision, s from the trial's start.</param>
/// <param name="Short">A short label drawn on the chart (the legend spells it out).</param>
/// <param name="Title">The full description, shown as the marker's tooltip.</param>
/// <param name="CssClass">How it is drawn (classes of the page's style sheet).</param>
internal sealed record ChartMarker(double TimeS, double DecisionS, string Short, string Title, string CssClass);
