namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>One comparison of a classifier rule, as the report shows it beside the candidate's value.</summary>
/// <param name="Rule"><c>fall</c> or <c>near-fall</c>.</param>
/// <param name="Name">What is compared, e.g. "peak".</param>
/// <param name="Threshold">The comparison and the threshold in force at the candidate's rate, e.g. "≥ 2.00 g".</param>
/// <param name="Value">The candidate's value.</param>
/// <param name="Passed">Whether the candidate met this clause.</param>
internal sealed record RuleClause(string Rule, string Name, string Threshold, string Value, bool Passed);
