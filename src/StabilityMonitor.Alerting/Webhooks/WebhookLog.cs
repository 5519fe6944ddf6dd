using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>
/// Log messages of webhook delivery (event ids 5300-5399). Webhooks are named by id, never by URL: a URL may carry
/// a receiver's token in its query string.
/// </summary>
internal static partial class WebhookLog
{
    [LoggerMessage(5300, LogLevel.Information, "Webhook delivery started: polling every {PollInterval}, {Timeout} per attempt with {RetryCount} quick retries, giving up after {GiveUpAfter}", EventName = "DispatcherStarted")]
    public static partial void DispatcherStarted(ILogger logger, TimeSpan pollInterval, TimeSpan timeout, int retryCount, TimeSpan giveUpAfter);

    [LoggerMessage(5301, LogLevel.Debug, "Delivery {DeliveryId} ({Event}) to webhook {WebhookId} delivered: HTTP {StatusCode}, {Attempts} attempts in all", EventName = "Delivered")]
    public static partial void Delivered(ILogger logger, Guid deliveryId, string @event, Guid webhookId, int statusCode, int attempts);

    [LoggerMessage(5302, LogLevel.Warning, "Delivery {DeliveryId} ({Event}) to webhook {WebhookId} failed: {Error}; {Attempts} attempts so far, next at {NextAttemptAt:O}", EventName = "AttemptFailed")]
    public static partial void AttemptFailed(ILogger logger, Guid deliveryId, string @event, Guid webhookId, string error, int attempts, DateTimeOffset nextAttemptAt);

    [LoggerMessage(5303, LogLevel.Error, "Delivery {DeliveryId} ({Event}) to webhook {WebhookId} is dead after {Attempts} attempts: {Error}", EventName = "DeliveryDead")]
    public static partial void DeliveryDead(ILogger logger, Guid deliveryId, string @event, Guid webhookId, int attempts, string error);

    [LoggerMessage(5304, LogLevel.Error, "Webhook dispatch pass failed; trying again in {Delay}", EventName = "PassFailed")]
    public static partial void PassFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(5305, LogLevel.Debug, "Delivery {DeliveryId} was taken by another dispatcher", EventName = "ClaimLost")]
    public static partial void ClaimLost(ILogger logger, Guid deliveryId);

    [LoggerMessage(5306, LogLevel.Warning, "Outcome of delivery {DeliveryId} not recorded: its claim expired and another dispatcher took it over (it may be sent again)", EventName = "ClaimExpired")]
    public static partial void ClaimExpired(ILogger logger, Guid deliveryId);

    [LoggerMessage(5307, LogLevel.Warning, "Claim of delivery {DeliveryId} could not be released at shutdown; it is retried once the claim expires", EventName = "ReleaseFailed")]
    public static partial void ReleaseFailed(ILogger logger, Guid deliveryId, Exception exception);

    [LoggerMessage(5308, LogLevel.Debug, "Webhook {WebhookId} unreachable: {Deferred} more deliveries to it wait until {NextAttemptAt:O}", EventName = "WebhookDeferred")]
    public static partial void WebhookDeferred(ILogger logger, Guid webhookId, int deferred, DateTimeOffset nextAttemptAt);
}
