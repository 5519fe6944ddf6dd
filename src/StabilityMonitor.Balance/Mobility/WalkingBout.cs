namespace StabilityMonitor.Balance.Mobility;

/// <summary>A run of consecutive walking epochs and its gait measures.</summary>
/// <param name="StartMicros">Device time the bout starts, Unix µs.</param>
/// <param name="EndMicros">Device time the bout ends, Unix µs.</param>
/// <param name="Steps">Steps in the bout (walking time divided by step time, summed per epoch).</param>
/// <param name="CadenceSpm">Steps per minute over the bout.</param>
/// <param name="StepRegularity">Mean autocorrelation at the step lag (Moe-Nilssen and Helbostad 2004), 0–1.</param>
/// <param name="StrideRegularity">Mean autocorrelation at the stride lag, 0–1.</param>
/// <param name="Symmetry">Step regularity / stride regularity: 1 when left and right steps look alike.</param>
/// <param name="StepTimeCv">Coefficient of variation of the individual step times, or NaN with fewer than 8 steps timed.</param>
public readonly record struct WalkingBout(
    long StartMicros,
    long EndMicros,
    float Steps,
    float CadenceSpm,
    float StepRegularity,
    float StrideRegularity,
    float Symmetry,
    float StepTimeCv)
{
    public double DurationSeconds => (EndMicros - StartMicros) / 1e6;
}
