using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace StabilityMonitor.Server;

/// <summary>
/// <c>GET /metrics</c>: every instrument of the server's own meters (<c>StabilityMonitor.*</c>: pipeline, MQTT, store,
/// dashboard), exported in the Prometheus text format by OpenTelemetry's Prometheus exporter.
/// </summary>
/// <remarks>
/// The meters are enabled for this host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/> only (local scope):
/// several servers in one process (the integration tests) keep their figures apart. Instruments carry their Prometheus
/// names, so the exporter adds no suffix, no scope labels and no <c>target_info</c>: the names stay those of
/// docs/ingestion.md and docs/storage.md. Scrapes are not cached, so a value read after an action reflects it.
/// </remarks>
internal static class MetricsEndpoint
{
    private const string ListenerName = "OpenTelemetry";
    private const string MeterPrefix = "StabilityMonitor";

    /// <summary>Registers the exporter for the host's StabilityMonitor meters.</summary>
    public static void AddMetricsExport(this WebApplicationBuilder builder)
    {
        builder.Metrics.EnableMetrics(MeterPrefix, instrumentName: null, listenerName: ListenerName, scopes: MeterScope.Local);
        builder.Services.AddOpenTelemetry().WithMetrics(static metrics => metrics.AddPrometheusExporter(static o =>
        {
            o.TranslationStrategy = PrometheusAspNetCoreTranslationStrategy.UnderscoreEscapingWithoutSuffixes;
            o.DisableTotalNameSuffixForCounters = true;
            o.ScopeInfoEnabled = false;
            o.TargetInfoEnabled = false;
            o.ScrapeResponseCacheDurationMilliseconds = 0;
        }));
    }

    /// <summary>Maps <c>/metrics</c>; with <c>Auth:ProtectMetrics</c> it needs a sign-in or an API key (Prometheus: <c>X-Api-Key</c> header).</summary>
    public static void MapMetricsEndpoint(this WebApplication app)
    {
        var endpoint = app.MapPrometheusScrapingEndpoint("/metrics");
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Alerting.Access.AccessOptions>>().Value.ProtectMetrics)
        {
            endpoint.RequireAuthorization();
        }
    }
}
