namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>One problem found in a scenario file.</summary>
/// <param name="Line">1-based line, 0 when unknown.</param>
/// <param name="Column">1-based column, 0 when unknown.</param>
/// <param name="Path">Field path, e.g. <c>wearers[1].timeline[3]</c>.</param>
/// <param name="Message">What is wrong and what is expected.</param>
public sealed record ScenarioError(int Line, int Column, string Path, string Message)
{
    /// <summary><c>source:line:column: path: message</c>.</summary>
    public string Format(string source) =>
        Line > 0 ? $"{source}:{Line}:{Column}: {Path}: {Message}" : $"{source}: {Path}: {Message}";
}
