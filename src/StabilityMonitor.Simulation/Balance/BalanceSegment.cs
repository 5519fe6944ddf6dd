namespace StabilityMonitor.Simulation.Balance;

/// <summary>One segment of a <see cref="BalanceScript"/>.</summary>
/// <param name="Kind">The motion.</param>
/// <param name="Seconds">Its duration, s.</param>
/// <param name="Amount">Sway amplitude in g for <see cref="BalanceMotionKind.Stand"/>; cadence in steps/min for
/// <see cref="BalanceMotionKind.Walk"/>; waist height change in m for sitting down and standing up; jolt peak in g.</param>
/// <param name="StepTimeCv">Walking only: coefficient of variation of the step times.</param>
/// <param name="StartSeconds">Script time the segment starts, s (the ground truth).</param>
public readonly record struct BalanceSegment(BalanceMotionKind Kind, double Seconds, double Amount, double StepTimeCv, double StartSeconds)
{
    public double EndSeconds => StartSeconds + Seconds;
}
