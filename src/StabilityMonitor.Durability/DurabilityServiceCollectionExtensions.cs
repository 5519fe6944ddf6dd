using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Durability;

public static class DurabilityServiceCollectionExtensions
{
    /// <summary>Name of the frame log's health check (tag <c>ready</c>).</summary>
    public const string HealthCheckName = "frames";

    /// <summary>
    /// Binds <see cref="DurabilityOptions"/> from the <c>Durability</c> section (validated on start) and, when
    /// enabled, registers <see cref="IFrameLog"/> (the journal in <see cref="DurabilityOptions.Directory"/>, opened
    /// and recovered on first use) and <see cref="ICheckpointStore"/> (one file in the same directory) as singletons,
    /// and the frame log's <c>ready</c> health check <see cref="HealthCheckName"/>.
    /// When <c>Durability:Enabled</c> is false neither is registered: resolve them with <c>GetService</c>.
    /// A host that defaults the directory does so with <c>PostConfigure&lt;DurabilityOptions&gt;</c>.
    /// </summary>
    public static IServiceCollection AddDurability(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DurabilityOptions>().Bind(configuration.GetSection(DurabilityOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DurabilityOptions>, DurabilityOptionsValidator>());
        if (!configuration.GetSection(DurabilityOptions.SectionName).GetValue(nameof(DurabilityOptions.Enabled), true))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => FrameLog.Open(
            Resolved(sp),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<IFrameLog>(static sp => sp.GetRequiredService<FrameLog>());
        services.TryAddSingleton<IPeerFrameLogs, PeerFrameLogs>();
        services.TryAddSingleton<ICheckpointStore>(static sp => new FileCheckpointStore(
            Resolved(sp).Directory!,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<FileCheckpointStore>()));
        services.AddHealthChecks().AddCheck<FrameLogHealthCheck>(HealthCheckName, tags: ["ready"]);
        return services;
    }

    /// <summary>The options with a relative directory made absolute under the content root (when there is a host).</summary>
    private static DurabilityOptions Resolved(IServiceProvider services)
    {
        DurabilityOptions options = services.GetRequiredService<IOptions<DurabilityOptions>>().Value;
        if (options.Directory is { } directory && !Path.IsPathRooted(directory) && services.GetService<IHostEnvironment>() is { } host)
        {
            options.Directory = Path.Combine(host.ContentRootPath, directory);
        }

        return options;
    }
}
