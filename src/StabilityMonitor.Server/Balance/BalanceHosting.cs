using Microsoft.Extensions.Options;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Server.Balance;

/// <summary>Registers the balance and mobility measures: the frame observer, the test book, options.</summary>
internal static class BalanceHosting
{
    public static IServiceCollection AddBalance(this IServiceCollection services)
    {
        services.AddOptions<BalanceOptions>().BindConfiguration(BalanceOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BalanceOptions>, BalanceOptionsValidator>();
        services.AddSingleton<MobilityTable>();
        services.AddSingleton<IFrameObserver>(static sp => sp.GetRequiredService<MobilityTable>());
        services.AddSingleton<BalanceTestBook>();
        services.AddSingleton<BalanceTestRecorder>();
        services.AddSingleton<MobilityHistory>();
        services.AddSingleton<MobilityPersistenceService>();
        services.AddHostedService(static sp => sp.GetRequiredService<MobilityPersistenceService>());
        return services;
    }
}
