using Microsoft.Extensions.Options;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Server.Balance;

/// <summary>Registers the balance and mobility measures: the frame observer, the raw-sample archive (in the data folder), the test book, options.</summary>
internal static class BalanceHosting
{
    public static IServiceCollection AddBalance(this IServiceCollection services)
    {
        services.AddOptions<BalanceOptions>().BindConfiguration(BalanceOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BalanceOptions>, BalanceOptionsValidator>();
        services.AddSingleton(static sp => new RawSampleArchive(
            Path.Combine(ServerOptions.ResolveDataDirectory(sp.GetRequiredService<IConfiguration>()), "raw-samples"),
            sp.GetRequiredService<IOptions<BalanceOptions>>().Value.RawBufferSeconds,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RawSampleArchive>>(),
            sp.GetService<MetricsRegistry>()?.Meter));
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
