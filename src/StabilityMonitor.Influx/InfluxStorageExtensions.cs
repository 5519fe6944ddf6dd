using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Durability.Journal;
using StabilityMonitor.Influx.Query;
using StabilityMonitor.Influx.Writing;

namespace StabilityMonitor.Influx;

public static class InfluxStorageExtensions
{
    /// <summary>Name of the store's health check (tag <c>ready</c>).</summary>
    public const string HealthCheckName = "influx";

    /// <summary>
    /// Registers <see cref="IMetricStore"/> (journal-backed), <see cref="IMetricHistory"/> (InfluxQL reads),
    /// <see cref="IStoreMetrics"/>, the
    /// drain service that sends the journal to InfluxDB, the store's metrics and its <c>ready</c> health check,
    /// with <see cref="InfluxOptions"/> bound from the <c>Influx</c> section and validated on start.
    /// </summary>
    public static IHostApplicationBuilder AddInfluxStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        services.AddOptions<InfluxOptions>().BindConfiguration(InfluxOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InfluxOptions>, InfluxOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(static sp =>
        {
            InfluxOptions options = sp.GetRequiredService<IOptions<InfluxOptions>>().Value;
            string directory = Path.Combine(sp.GetRequiredService<IHostEnvironment>().ContentRootPath, options.JournalDirectory);
            return new WriteAheadJournal(
                directory,
                options.JournalMaxBytes,
                options.JournalSegmentBytes,
                options.JournalFsyncInterval,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<WriteAheadJournal>());
        });
        services.AddSingleton(static sp => new DeadLetterFile(
            Path.Combine(sp.GetRequiredService<WriteAheadJournal>().DirectoryPath, "dead-letter.lp"),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<StoreTelemetry>();
        services.AddSingleton<IStoreMetrics>(static sp => sp.GetRequiredService<StoreTelemetry>());
        services.AddSingleton<InfluxMetricStore>();
        services.AddSingleton<IMetricStore>(static sp => sp.GetRequiredService<InfluxMetricStore>());
        services.AddSingleton<InfluxQueryReader>();
        services.AddSingleton<IMetricHistory>(static sp => sp.GetRequiredService<InfluxQueryReader>());
        services.AddSingleton<IMeasurementStore, InfluxMeasurementStore>();
        services.AddHostedService<JournalDrainService>();
        services.AddHealthChecks().AddCheck<InfluxStoreHealthCheck>(HealthCheckName, tags: ["ready"]);
        return builder;
    }
}
