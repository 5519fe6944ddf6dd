using Microsoft.Extensions.Options;

namespace StabilityMonitor.Alerting;

/// <summary>Cross-field rules of <see cref="StoreOptions"/>.</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options) =>
        options.Provider == StoreProviders.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString)
            ? ValidateOptionsResult.Fail("Store:ConnectionString is required with Store:Provider=postgres (e.g. Host=db;Database=stability;Username=stability;Password=...).")
            : ValidateOptionsResult.Success;
}
