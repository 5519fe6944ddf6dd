using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StabilityMonitor.Pipeline;

namespace StabilityMonitor.Mqtt;

/// <summary>Registers MQTT ingestion.</summary>
public static class MqttHostingExtensions
{
    /// <summary>
    /// Adds the MQTT ingestion worker (options section <c>Mqtt</c>), the embedded broker when <c>Mqtt:Url</c> is
    /// empty, and the broker readiness check. Call after <c>AddStabilityPipeline</c> so the host stops the
    /// worker before the pipeline drains.
    /// </summary>
    public static IHostApplicationBuilder AddMqttIngestion(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>());
        services.TryAddSingleton<MqttConnectionState>();
        services.TryAddSingleton<EmbeddedBrokerCredentials>();
        services.TryAddSingleton<EmbeddedBrokerRefusals>();
        services.TryAddSingleton(static sp =>
        {
            var mqtt = sp.GetRequiredService<IOptions<MqttOptions>>().Value;
            return MqttConnectionSettings.FromOptions(mqtt, mqtt.UsesEmbeddedBroker ? sp.GetRequiredService<EmbeddedBrokerCredentials>() : null);
        });

        var options = new MqttOptions();
        builder.Configuration.GetSection(MqttOptions.SectionName).Bind(options);
        if (options.UsesEmbeddedBroker)
        {
            // Registered before the worker: started first, stopped last.
            services.AddHostedService<EmbeddedMqttBroker>();
        }

        services.AddHostedService<MqttIngestService>();

        // Other nodes' sessions, consumed while a cluster peer is down (used only by a cluster node). Registered after
        // the worker: stopped before it, and both before the pipeline drains.
        services.TryAddSingleton<MqttPeerSessions>();
        services.TryAddSingleton<IPeerSessions>(static sp => sp.GetRequiredService<MqttPeerSessions>());
        services.AddHostedService(static sp => sp.GetRequiredService<MqttPeerSessions>());
        services.AddHealthChecks().AddCheck<MqttHealthCheck>("mqtt", tags: [PipelineHostingExtensions.ReadyTag]);
        return builder;
    }
}
