using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>Registers webhook delivery.</summary>
public static class WebhookDeliveryExtensions
{
    /// <summary>Name of the <see cref="HttpClient"/> that sends webhooks.</summary>
    public const string HttpClientName = "webhooks";

    /// <summary>
    /// Adds the dispatcher that sends the webhook outbox (a hosted service), its named HTTP client with a resilience
    /// pipeline (total timeout, quick retries with exponential backoff and jitter, per-attempt timeout), the shared
    /// <see cref="DeliveryWakeup"/>, and <see cref="WebhookOptions"/> bound from the <c>Webhooks</c> section and
    /// validated on start. Needs a <see cref="Data.CareDbFactory"/> and <c>IConfiguration</c> in the container.
    /// </summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeliveryWakeup>();
        services.TryAddTransient<AttemptCountingHandler>();

        var http = services.AddHttpClient(HttpClientName, static (sp, client) =>
            {
                // The pipeline's timeouts decide; this only backs them up.
                client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.TotalTimeout + TimeSpan.FromSeconds(5);
                client.DefaultRequestHeaders.UserAgent.ParseAdd(WebhookHeaders.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                // A signed body goes to the configured URL only, never replayed where a redirect points.
                AllowAutoRedirect = false,

                // Facilities' receivers must not share cookies through one client.
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });

        http.AddResilienceHandler("webhook-delivery", static (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;
            pipeline.AddTimeout(options.TotalTimeout);
            if (options.RetryCount > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    // POST is safe to repeat here: the delivery id lets receivers drop repeats.
                    MaxRetryAttempts = options.RetryCount,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryDelay,
                    MaxDelay = options.RetryMaxDelay,

                    // A long Retry-After is honoured by the durable schedule, not by holding this send open.
                    ShouldRetryAfterHeader = false,
                });
            }

            pipeline.AddTimeout(options.Timeout);
        });

        // Added after the resilience handler, so inside it: it sees every try.
        http.AddHttpMessageHandler<AttemptCountingHandler>();

        // The factory's request logs print the URL, which may carry a receiver's token; WebhookLog reports each
        // outcome by webhook id instead.
        http.RemoveAllLoggers();

        services.TryAddSingleton<WebhookDispatcher>();
        services.AddHostedService(static sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }
}
