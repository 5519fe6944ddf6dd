using StabilityMonitor.Balance.Mobility;

namespace StabilityMonitor.Server.Balance;

/// <summary>Options of the balance and mobility measures kept by the server (docs/balance.md).</summary>
public sealed class BalanceOptions
{
    public const string SectionName = "Balance";

    /// <summary>
    /// Devices whose mobility is kept. Beyond it a new device takes the place of the least recently heard one if that
    /// one has been silent for <see cref="DeviceIdleTimeout"/>, else it is not tracked. Default 10,000 (the device
    /// table's size).
    /// </summary>
    public int MaxDevices { get; set; } = 10_000;

    /// <summary>
    /// Time without frames after which a device's mobility may make room for a new device when the table is full
    /// (<see cref="MaxDevices"/>). Default 10 min (as <c>Pipeline:DeviceIdleTimeout</c>); 1 s to 30 days.
    /// </summary>
    public TimeSpan DeviceIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Days of mobility counted per device (about 0.8 KB a day in memory). With a store only the last two stay in
    /// memory once written; the others are read from it. Default 35.
    /// </summary>
    public int LedgerDays { get; set; } = 35;

    /// <summary>Longest live balance test recorded, s. Default 300 s.</summary>
    public int MaxTestSeconds { get; set; } = 300;

    /// <summary>Balance tests kept per resident (newest first). Default 500.</summary>
    public int MaxTestsPerResident { get; set; } = 500;

    /// <summary>
    /// How often the days that changed are written to the store (InfluxDB <c>mobility_day</c>); also at shutdown. After a
    /// crash at most this much of the day is lost. Default 1 min.
    /// </summary>
    public TimeSpan StoreInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Weeks of days the progress trends, report and CSV read (from memory and the store). Default 12.</summary>
    public int ProgressWeeks { get; set; } = 12;

    /// <summary>
    /// Hours a day must be worn to count in the weekly values of the progress trends. Default 12 (docs/balance.md);
    /// lower only for compressed simulated days.
    /// </summary>
    public double MinWornHours { get; set; } = 12;

    /// <summary>
    /// Seconds of samples kept per device for a finished test posted afterwards (<c>start</c>/<c>end</c>); 0 keeps
    /// none. Default 120 s. They are kept on disk, in the data folder's raw-sample archive (docs/balance.md), as the test
    /// scorer reads them: averaged to its 25 Hz analysis rate, ~190 bytes a second for a 50 Hz device.
    /// </summary>
    public int RawBufferSeconds { get; set; } = 120;

    /// <summary>
    /// No longer used (it sized the in-memory buffer the raw-sample archive replaced); still bound and validated so that
    /// configurations naming it start as before. Default 25.
    /// </summary>
    public int RawBufferRateHz { get; set; } = 25;

    public MobilityOptions Mobility { get; set; } = new();
}
