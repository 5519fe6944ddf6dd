using StabilityMonitor.Balance.Mobility;

namespace StabilityMonitor.Server.Balance;

/// <summary>Options of the balance and mobility measures kept by the server (docs/balance.md).</summary>
public sealed class BalanceOptions
{
    public const string SectionName = "Balance";

    /// <summary>Devices whose mobility is kept; the least recently heard is dropped beyond it. Default 10,000 (the device table's size).</summary>
    public int MaxDevices { get; set; } = 10_000;

    /// <summary>Days of mobility kept per device (about 1 KB a day). Default 35.</summary>
    public int LedgerDays { get; set; } = 35;

    /// <summary>Longest live balance test recorded, s. Default 300 s.</summary>
    public int MaxTestSeconds { get; set; } = 300;

    /// <summary>Balance tests kept per resident (newest first). Default 500.</summary>
    public int MaxTestsPerResident { get; set; } = 500;

    public MobilityOptions Mobility { get; set; } = new();
}
