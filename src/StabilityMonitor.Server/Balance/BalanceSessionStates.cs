namespace StabilityMonitor.Server.Balance;

/// <summary>States of a <c>balance_test_sessions</c> row.</summary>
internal static class BalanceSessionStates
{
    public const string Recording = "recording";
    public const string Scored = "scored";
    public const string Failed = "failed";
    public const string Abandoned = "abandoned";
}
