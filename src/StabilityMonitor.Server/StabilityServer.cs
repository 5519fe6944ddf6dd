using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting;
using StabilityMonitor.Cluster;
using StabilityMonitor.Dashboard;
using StabilityMonitor.Durability;
using StabilityMonitor.Influx;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Server.Api;
using StabilityMonitor.Server.Auth;
using StabilityMonitor.Server.Balance;
using StabilityMonitor.Server.Demo;

namespace StabilityMonitor.Server;

/// <summary>Builds the server host: pipeline, MQTT ingestion (embedded broker by default), storage (journal, InfluxDB), simulated ward, HTTP API.</summary>
public static class StabilityServer
{
    /// <summary>Health-check tag of the liveness check (<c>/healthz</c>).</summary>
    public const string LiveTag = "live";

    /// <summary>Creates the application from command-line arguments; <paramref name="configure"/> may adjust the builder (tests).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Content root = the build output, so appsettings.json is found whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddStabilityServer();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapStabilityServer();
        return app;
    }

    /// <summary>Registers everything the server runs.</summary>
    public static WebApplicationBuilder AddStabilityServer(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ServerOptions>().BindConfiguration(ServerOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        services.AddOptions<WardOptions>().BindConfiguration(WardOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WardOptions>, WardOptionsValidator>();
        services.AddOptions<FacilityOptions>().BindConfiguration(FacilityOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FacilityOptions>, FacilityOptionsValidator>();
        services.AddOptions<StoreBridgeOptions>().BindConfiguration(StoreBridgeOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StoreBridgeOptions>, StoreBridgeOptionsValidator>();
        services.AddSingleton<FacilityMap>();
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.SectionName);
        services.AddSingleton<WardCredentials>();
        builder.AddMetricsExport();

        var config = builder.Configuration;
        var dataDirectory = ServerOptions.ResolveDataDirectory(config);
        if (DemoOptions.IsOn(config) && string.IsNullOrEmpty(config["Devices:AdmitUnregistered"]))
        {
            config.AddInMemoryCollection([new("Devices:AdmitUnregistered", "true")]);
        }

        // The demo's broker takes simulators and replays through its gateway account, with a password made now and printed.
        if (DemoOptions.IsOn(config) && string.IsNullOrEmpty(config["Mqtt:EmbeddedGatewayPassword"]))
        {
            config.AddInMemoryCollection([new("Mqtt:EmbeddedGatewayPassword", Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)))]);
        }

        // The journal lives in the data folder unless configured: one place for the server's data, never under bin/.
        if (string.IsNullOrEmpty(config[$"{InfluxOptions.SectionName}:{nameof(InfluxOptions.JournalDirectory)}"]))
        {
            config.AddInMemoryCollection([new($"{InfluxOptions.SectionName}:{nameof(InfluxOptions.JournalDirectory)}", Path.Combine(dataDirectory, "influx-journal"))]);
        }

        // The frame log and the pipeline checkpoint (acknowledged means durable) live in the data folder unless configured.
        services.AddDurability(config);
        services.PostConfigure<DurabilityOptions>(o => o.Directory ??= Path.Combine(dataDirectory, "frames"));
        if (config.GetValue($"{DurabilityOptions.SectionName}:{nameof(DurabilityOptions.Enabled)}", true))
        {
            services.AddSingleton(_ => new StoredEventLedger(Path.Combine(dataDirectory, "stored-events")));
        }

        if (string.IsNullOrEmpty(config["urls"]) && string.IsNullOrEmpty(config["http_ports"]) && !config.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(config[$"{ServerOptions.SectionName}:{nameof(ServerOptions.DefaultUrl)}"] ?? new ServerOptions().DefaultUrl);
        }

        // The store first: migrated, admin and demo seeded, device registry loaded before any wearable connects.
        services.AddHostedService<StoreBootstrapService>();
        builder.AddAlerting(dataDirectory);
        services.AddStabilityAuth(config);

        // Sign-in cookies survive a restart: the keys that protect them live in the data folder.
        services.AddDataProtection()
            .SetApplicationName("StabilityMonitor")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
        services.AddProblemDetails();
        services.AddOpenApi();

        // Order matters for shutdown (reverse order): the ward stops publishing, then the MQTT worker, then the
        // embedded broker, then the pipeline drains what was already acknowledged, then the store bridge moves what
        // the pipeline produced into the journal, then the journal's drain loop stops (the rest is sent next start).
        builder.AddInfluxStorage();
        services.AddSingleton<MetricStoreBridge>();
        services.AddHostedService(static sp => sp.GetRequiredService<MetricStoreBridge>());
        services.AddSingleton<IEffectsBarrier>(static sp => sp.GetRequiredService<MetricStoreBridge>().EventBarrier);
        services.AddSingleton<IEffectsBarrier>(static sp => sp.GetRequiredService<MetricStoreBridge>().WindowBarrier);

        // A cluster node (docs/scale-out.md): after the stores (a grain saves only once its effects are durable, so the
        // silo stops before them) and before the pipeline (whose restart replay goes to the grains).
        if (config.GetValue($"{ClusterNodeOptions.SectionName}:{nameof(ClusterNodeOptions.Enabled)}", false))
        {
            builder.AddStabilityCluster();
        }

        builder.AddStabilityPipeline();
        services.AddBalance();
        builder.AddMqttIngestion();

        // After the pipeline and alerting: the hub reads both, and its broadcaster stops before the pipeline drains.
        builder.AddDashboard();

        var mqtt = config.GetSection(MqttOptions.SectionName).Get<MqttOptions>() ?? new MqttOptions();
        var ward = config.GetSection(WardOptions.SectionName).Get<WardOptions>() ?? new WardOptions();
        if (WardHosting.IsEnabled(ward, mqtt))
        {
            services.AddHostedService<SimulatedWardService>();
        }

        services.AddHostedService<ConsoleSummaryService>();
        services.AddHealthChecks().AddCheck("self", static () => HealthCheckResult.Healthy(), tags: [LiveTag]);
        services.ConfigureHttpJsonOptions(static o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        return builder;
    }

    /// <summary>Serves the caregiver page at <c>/</c>; maps <c>/healthz</c>, <c>/readyz</c> (JSON per check), <c>/metrics</c> and the <c>/api</c> endpoints (including <c>/api/history</c>).</summary>
    public static WebApplication MapStabilityServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDashboardPage();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapHealthChecks("/healthz", new() { Predicate = static c => c.Tags.Contains(LiveTag) });
        app.MapHealthChecks("/readyz", new()
        {
            Predicate = static c => c.Tags.Contains(PipelineHostingExtensions.ReadyTag),
            ResponseWriter = ReadinessResponseWriter.WriteAsync,
        });
        app.MapMetricsEndpoint();
        var api = app.MapGroup("/api").RequireAuthorization();
        api.MapAuthEndpoints();
        api.MapAdminEndpoints();
        api.MapAlertEndpoints();
        api.MapApiEndpoints();
        api.MapHistoryEndpoints();
        api.MapBalanceEndpoints();
        app.MapDashboard();
        return app;
    }
}
