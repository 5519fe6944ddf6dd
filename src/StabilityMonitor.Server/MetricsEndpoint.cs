using System.Text;
using StabilityMonitor.Influx;
using StabilityMonitor.Pipeline;

namespace StabilityMonitor.Server;

/// <summary><c>GET /metrics</c>: Prometheus text exposition format 0.0.4 (pipeline, then store).</summary>
internal static class MetricsEndpoint
{
    /// <summary>Maps <c>/metrics</c>; with <c>Auth:ProtectMetrics</c> it needs a sign-in or an API key (Prometheus: <c>X-Api-Key</c> header).</summary>
    public static void MapMetricsEndpoint(this WebApplication app)
    {
        var endpoint = MapMetrics(app);
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Alerting.Access.AccessOptions>>().Value.ProtectMetrics)
        {
            endpoint.RequireAuthorization();
        }
    }

    private static RouteHandlerBuilder MapMetrics(WebApplication app) =>
        app.MapGet("/metrics", static async (HttpContext context, MetricsRegistry metrics, IStoreMetrics store, MetricStoreBridge bridge) =>
        {
            var text = new StringBuilder(8192);
            await using (var writer = new StringWriter(text))
            {
                metrics.WritePrometheus(writer);
                store.WritePrometheus(writer);
                bridge.WritePrometheus(writer);
            }

            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.WriteAsync(text.ToString(), context.RequestAborted).ConfigureAwait(false);
        });
}
