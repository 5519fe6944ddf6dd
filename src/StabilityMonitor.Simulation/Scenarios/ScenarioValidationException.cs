namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>A scenario file is invalid; <see cref="Errors"/> lists every problem found, with its line and field.</summary>
public sealed class ScenarioValidationException : Exception
{
    public ScenarioValidationException()
        : this("scenario", [])
    {
    }

    public ScenarioValidationException(string message)
        : base(message)
    {
        Source = "scenario";
        Errors = [];
    }

    public ScenarioValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Source = "scenario";
        Errors = [];
    }

    public ScenarioValidationException(string source, IReadOnlyList<ScenarioError> errors)
        : base(BuildMessage(source, errors))
    {
        Source = source;
        Errors = errors;
    }

    /// <summary>Every problem, in file order.</summary>
    public IReadOnlyList<ScenarioError> Errors { get; }

    private static string BuildMessage(string source, IReadOnlyList<ScenarioError> errors) =>
        errors.Count == 0
            ? $"{source}: invalid scenario."
            : $"{source}: {errors.Count} error(s) in the scenario:" + Environment.NewLine
                + string.Join(Environment.NewLine, errors.Select(e => "  " + e.Format(source)));
}
