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

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
