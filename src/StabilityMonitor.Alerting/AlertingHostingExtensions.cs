using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Alerting.Devices;
using StabilityMonitor.Alerting.Webhooks;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Alerting;

/// <summary>Registers the relational store, access, alerting, device registry and webhook delivery.</summary>
public static class AlertingHostingExtensions
{
    /// <summary>
    /// Adds the store (sections <c>Store</c>, <c>Auth</c>, <c>Alerts</c>, <c>Devices</c>, <c>Webhooks</c>). With SQLite and
    /// no connection string the database is <c>stability.db</c> in <paramref name="dataDirectory"/>. The store's
    /// <see cref="StoreDeviceRegistry"/> becomes the pipeline's <see cref="IDeviceRegistry"/>. Call before the pipeline.
    /// </summary>
    public static IHostApplicationBuilder AddAlerting(this IHostApplicationBuilder builder, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>();
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AlertingOptions>().BindConfiguration(AlertingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeviceRegistryOptions>().BindConfiguration(DeviceRegistryOptions.SectionName);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            var connection = string.IsNullOrWhiteSpace(options.ConnectionString)
                ? $"Data Source={Path.Combine(dataDirectory, "stability.db")}"
                : options.ConnectionString;
            return new CareDbFactory(options.Provider, connection);
        });
        services.AddSingleton<StoreDeviceRegistry>();
        services.Replace(ServiceDescriptor.Singleton<IDeviceRegistry>(static sp => sp.GetRequiredService<StoreDeviceRegistry>()));
        services.AddSingleton<AccessService>();
        services.AddSingleton<CareAdmin>();
        services.AddSingleton<AlertFeed>();
        services.AddSingleton<DeliveryWakeup>();
        services.AddSingleton<AlertMetrics>();
        services.AddSingleton<AlertService>();
        services.AddSingleton<AlertIngestService>();
        services.AddHostedService(static sp => sp.GetRequiredService<AlertIngestService>());
        services.AddSingleton<IEffectsBarrier>(static sp => sp.GetRequiredService<AlertIngestService>().Barrier);
        services.AddHostedService<EscalationService>();
        services.AddWebhookDelivery();
        return builder;
    }
}
