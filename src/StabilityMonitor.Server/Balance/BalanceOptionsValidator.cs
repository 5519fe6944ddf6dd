using Microsoft.Extensions.Options;

namespace StabilityMonitor.Server.Balance;

internal sealed class BalanceOptionsValidator : IValidateOptions<BalanceOptions>
{
    public ValidateOptionsResult Validate(string? name, BalanceOptions options)
    {
        var errors = new List<string>(options.Mobility.Validate());
        if (options.MaxDevices is < 1 or > 1_000_000)
        {
            errors.Add("Balance:MaxDevices must be 1..1,000,000.");
        }

        if (options.DeviceIdleTimeout < TimeSpan.FromSeconds(1) || options.DeviceIdleTimeout > TimeSpan.FromDays(30))
        {
            errors.Add("Balance:DeviceIdleTimeout must be 1 s..30 days.");
        }

        if (options.LedgerDays is < 7 or > 400)
        {
            errors.Add("Balance:LedgerDays must be 7..400.");
        }

        if (options.MaxTestSeconds is < 10 or > 1800)
        {
            errors.Add("Balance:MaxTestSeconds must be 10..1800 s.");
        }

        if (options.MaxTestsPerResident is < 1 or > 100_000)
        {
            errors.Add("Balance:MaxTestsPerResident must be 1..100,000.");
        }

        if (options.StoreInterval < TimeSpan.FromSeconds(1) || options.StoreInterval > TimeSpan.FromHours(1))
        {
            errors.Add("Balance:StoreInterval must be 1 s..1 h.");
        }

        if (options.ProgressWeeks is < 4 or > 104)
        {
            errors.Add("Balance:ProgressWeeks must be 4..104.");
        }

        if (!(options.MinWornHours is >= 0.01 and <= 24))
        {
            errors.Add("Balance:MinWornHours must be 0.01..24 h.");
        }

        if (options.RawBufferSeconds is < 0 or > 1800)
        {
            errors.Add("Balance:RawBufferSeconds must be 0..1800 s.");
        }

        if (options.RawBufferRateHz is < 1 or > 1000)
        {
            errors.Add("Balance:RawBufferRateHz must be 1..1000 Hz.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
