namespace StabilityMonitor.Balance.Mobility;

/// <summary>A sit-to-stand or stand-to-sit transition.</summary>
/// <param name="StartMicros">Device time the movement starts (the end of the rest before it), Unix µs.</param>
/// <param name="EndMicros">Device time the movement ends (the start of the rest after it), Unix µs.</param>
/// <param name="Kind">Which way.</param>
/// <param name="HeightChangeM">Vertical displacement of the sensor between the two rests, m (up positive); NaN when inferred.</param>
/// <param name="Timed">False when the transition is inferred (walking after sitting, no rest to time it from): its duration is unknown.</param>
public readonly record struct PostureTransition(long StartMicros, long EndMicros, TransitionKind Kind, float HeightChangeM, bool Timed)
{
    public double DurationSeconds => (EndMicros - StartMicros) / 1e6;
}
