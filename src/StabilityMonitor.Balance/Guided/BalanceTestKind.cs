namespace StabilityMonitor.Balance.Guided;

/// <summary>The guided balance tests a caregiver or physiotherapist can run (docs/balance.md).</summary>
public enum BalanceTestKind : byte
{
    QuietStance = 0,
    TandemStance = 1,
    SingleLegStance = 2,
    SitToStand5x = 3,
    ChairStand30s = 4,
    HeelToToeWalk = 5,
    TimedUpAndGo = 6,
}
