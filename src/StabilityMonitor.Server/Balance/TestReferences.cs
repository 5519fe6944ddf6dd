using StabilityMonitor.Balance.Guided;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// The published values a guided test's result is shown against (docs/balance.md, "Reference values by age"): the
/// age norms as text (the store holds no resident's age) and the fall-risk cut-off as a number where one is given.
/// For comparison only; check the sources before clinical use.
/// </summary>
internal static class TestReferences
{
    /// <summary>Reference text, cut-off text, cut-off value and whether a result at or above it (else below it) is at risk; null for tests without one.</summary>
    public static (string Norms, string CutOff, double? Threshold, bool RiskAbove)? For(BalanceTestKind kind) => kind switch
    {
        BalanceTestKind.SitToStand5x => ("60–69 y 11.4 s, 70–79 y 12.6 s, 80–89 y 14.8 s (Bohannon 2006)", "≥ 15 s recurrent falls (Buatois et al. 2008); ≥ 12 s (Tiedemann et al. 2008; CDC STEADI)", 15, true),
        BalanceTestKind.TimedUpAndGo => ("60–69 y 8.1 s, 70–79 y 9.2 s, 80–99 y 11.3 s (Bohannon 2006)", "≥ 13.5 s (Shumway-Cook et al. 2000); ≥ 12 s (CDC STEADI)", 13.5, true),
        BalanceTestKind.SingleLegStance => ("≈ 27 s at 60–69 y, 15–17 s at 70–79 y, < 10 s at 80+ (Springer et al. 2007)", "< 5 s: injurious falls (Vellas et al. 1997)", 5, false),
        BalanceTestKind.ChairStand30s => ("below average: women 70–79 < 10, 80–84 < 9, 85–89 < 8; men 75–79 < 11, 80–84 < 10, 85–89 < 8 (Rikli and Jones 2013)", "below average for age (CDC STEADI)", null, false),
        BalanceTestKind.TandemStance => ("10 s full tandem (SPPB; Guralnik et al. 1994)", "< 10 s held", 10, false),
        _ => null,
    };

    /// <summary>The number compared with the cut-off: total time, hold time or repetitions.</summary>
    public static double? Value(BalanceTestResult result) => result.Kind switch
    {
        BalanceTestKind.SitToStand5x or BalanceTestKind.TimedUpAndGo => result.TotalSeconds,
        BalanceTestKind.SingleLegStance or BalanceTestKind.TandemStance or BalanceTestKind.QuietStance => result.HoldSeconds,
        BalanceTestKind.ChairStand30s => result.Repetitions,
        BalanceTestKind.HeelToToeWalk => result.CadenceSpm,
        _ => null,
    };
}
