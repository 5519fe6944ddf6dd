namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>
/// Sits inside the resilience handler, so it runs once per try; it bumps the request's <see cref="AttemptCounter"/>.
/// </summary>
internal sealed class AttemptCountingHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(AttemptCounter.Key, out var counter))
        {
            counter.Increment();
        }

        return base.SendAsync(request, cancellationToken);
    }
}
