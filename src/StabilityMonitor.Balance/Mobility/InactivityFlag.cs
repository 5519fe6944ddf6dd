namespace StabilityMonitor.Balance.Mobility;

/// <summary>A day well below the resident's own norm.</summary>
/// <param name="Date">The day (device time).</param>
/// <param name="Measure">"active_minutes" (walking + standing) or "steps".</param>
/// <param name="Value">The day's value.</param>
/// <param name="Norm">Median of the reference days.</param>
/// <param name="RobustZ">(value − median) / (1.4826 × MAD) of the reference days.</param>
public readonly record struct InactivityFlag(DateOnly Date, string Measure, double Value, double Norm, double RobustZ);
