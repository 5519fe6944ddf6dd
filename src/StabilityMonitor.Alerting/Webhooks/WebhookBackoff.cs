namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>When a failed delivery is tried again.</summary>
internal static class WebhookBackoff
{
    /// <summary>
    /// Waits about as long as the delivery is old, between <see cref="WebhookOptions.MinBackoff"/> and
    /// <see cref="WebhookOptions.MaxBackoff"/>: the gaps double (5 s, 5 s, 10 s, 20 s, ... 10 min) without a
    /// failure counter, and a delivery that waited through an outage or a restart is not hammered. Jitter takes
    /// up to a quarter off, so deliveries that failed together (one receiver down) spread out. A receiver's
    /// <c>Retry-After</c> is honoured up to the maximum. Never later than the give-up time, so the last try
    /// happens then.
    /// </summary>
    public static DateTimeOffset NextAttempt(DateTimeOffset now, DateTimeOffset createdAt, TimeSpan? retryAfter, WebhookOptions options, double random)
    {
        var age = now - createdAt;
        var delay = age < options.MinBackoff ? options.MinBackoff : age > options.MaxBackoff ? options.MaxBackoff : age;
        delay *= 1 - (0.25 * random);
        if (retryAfter is { } hint && hint > delay)
        {
            delay = hint < options.MaxBackoff ? hint : options.MaxBackoff;
        }

        var next = now + delay;
        var giveUpAt = createdAt + options.GiveUpAfter;
        return next < giveUpAt ? next : giveUpAt;
    }
}
