namespace StabilityMonitor.Balance.Guided;

/// <summary>The API spelling of each test (snake_case, as in the issue and the HTTP routes).</summary>
public static class BalanceTestNames
{
    public static string ToName(this BalanceTestKind kind) => kind switch
    {
        BalanceTestKind.QuietStance => "quiet_stance",
        BalanceTestKind.TandemStance => "tandem_stance",
        BalanceTestKind.SingleLegStance => "single_leg_stance",
        BalanceTestKind.SitToStand5x => "sit_to_stand_5x",
        BalanceTestKind.ChairStand30s => "chair_stand_30s",
        BalanceTestKind.HeelToToeWalk => "heel_to_toe_walk",
        BalanceTestKind.TimedUpAndGo => "timed_up_and_go",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown balance test."),
    };

    public static bool TryParse(string? name, out BalanceTestKind kind)
    {
        foreach (var candidate in Enum.GetValues<BalanceTestKind>())
        {
            if (string.Equals(candidate.ToName(), name, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
