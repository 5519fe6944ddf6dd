using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using StabilityMonitor.Alerting.Data;

namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>
/// Sends the webhook outbox, at least once. Each pass takes the due pending deliveries, claims each one right before
/// sending it (a conditional UPDATE that moves <see cref="WebhookDelivery.NextAttemptAt"/> a lease ahead, so another
/// dispatcher on the same database skips it), POSTs the stored payload signed with the webhook's secret, and records
/// the outcome. Between passes it waits for <see cref="DeliveryWakeup"/> or the poll interval.
/// </summary>
internal sealed class WebhookDispatcher : BackgroundService
{
    private const int MaxErrorLength = 1000;

    private static readonly TimeSpan RecordTimeout = TimeSpan.FromSeconds(30);

    private readonly CareDbFactory _store;
    private readonly DeliveryWakeup _wakeup;
    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _time;
    private readonly WebhookOptions _options;
    private readonly ILogger<WebhookDispatcher> _logger;

    public WebhookDispatcher(
        CareDbFactory store,
        DeliveryWakeup wakeup,
        IHttpClientFactory httpClients,
        TimeProvider time,
        IOptions<WebhookOptions> options,
        ILogger<WebhookDispatcher> logger)
    {
        _store = store;
        _wakeup = wakeup;
        _httpClients = httpClients;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>
    /// One pass: sends the due deliveries (at most <see cref="WebhookOptions.BatchSize"/>) and records their
    /// outcomes. Returns how many this dispatcher claimed (sent or settled); those another dispatcher took, or that
    /// waited behind an unreachable webhook, are not counted.
    /// </summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        List<DueDelivery> due;
        var db = _store.Create();
        await using (db.ConfigureAwait(false))
        {
            due = await (
                    from d in db.WebhookDeliveries
                    join w in db.Webhooks on d.WebhookId equals w.Id
                    where d.State == DeliveryStates.Pending && d.NextAttemptAt <= now
                    orderby d.NextAttemptAt, d.CreatedAt
                    select new DueDelivery(d.Id, d.WebhookId, d.Event, d.Payload, d.Attempts, d.CreatedAt, d.NextAttemptAt, w.Url, w.Secret, w.Active))
                .Take(_options.BatchSize)
                .AsNoTracking()
                .ToListAsync(cancellationToken)
                .ConfigureAwait(false);
        }

        if (due.Count == 0)
        {
            return 0;
        }

        // Webhooks in parallel, one webhook's deliveries in order: a slow receiver delays only its own facility,
        // and a receiver sees an alert's events in the order they happened (unless a retry reorders them).
        var groups = due.GroupBy(static d => d.WebhookId).Select(static g => g.OrderBy(static d => d.CreatedAt).ToList()).ToList();
        var claimed = 0;
        await Parallel.ForEachAsync(
            groups,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = cancellationToken },
            async (group, ct) =>
            {
                var n = await DispatchWebhookAsync(group, ct).ConfigureAwait(false);
                Interlocked.Add(ref claimed, n);
            }).ConfigureAwait(false);
        return claimed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        WebhookLog.DispatcherStarted(_logger, _options.PollInterval, _options.Timeout, _options.RetryCount, _options.GiveUpAfter);
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await DispatchDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database may be down for a while: keep the loop, the outbox is still there when it is back.
                WebhookLog.PassFailed(_logger, _options.PollInterval, ex);
            }

            if (claimed >= _options.BatchSize)
            {
                // A full batch: more may be due right now.
                continue;
            }

            try
            {
                await _wakeup.WaitAsync(_options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<int> DispatchWebhookAsync(List<DueDelivery> group, CancellationToken cancellationToken)
    {
        var claimed = 0;
        for (var i = 0; i < group.Count; i++)
        {
            var delivery = group[i];
            var leaseUntil = WholeMilliseconds(_time.GetUtcNow() + _options.ClaimLease);
            if (!await TryClaimAsync(delivery, leaseUntil, cancellationToken).ConfigureAwait(false))
            {
                WebhookLog.ClaimLost(_logger, delivery.Id);
                continue;
            }

            claimed++;
            var next = await DeliverClaimedAsync(delivery, leaseUntil, cancellationToken).ConfigureAwait(false);
            if (next is { } retryAt && i + 1 < group.Count)
            {
                // No answer at all (refused, timeout): the others would only wait out the same timeouts. They wait
                // with the failed one instead, unchanged otherwise. An HTTP error answer does not hold them back:
                // it may be about that one payload.
                await DeferAsync(group.GetRange(i + 1, group.Count - i - 1), retryAt, cancellationToken).ConfigureAwait(false);
                WebhookLog.WebhookDeferred(_logger, delivery.WebhookId, group.Count - i - 1, retryAt);
                break;
            }
        }

        return claimed;
    }

    /// <summary>Sends a claimed delivery and records the outcome; returns the retry time if the webhook gave no answer.</summary>
    private async Task<DateTimeOffset?> DeliverClaimedAsync(DueDelivery delivery, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        SendOutcome outcome;
        if (!delivery.Active)
        {
            // Turned off after the delivery was queued: the facility asked for no more calls to it.
            outcome = new SendOutcome(SendOutcomeKind.Gone, null, "webhook deactivated before delivery", 0, null);
        }
        else if (!Uri.TryCreate(delivery.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            // Kept pending until it gives up: the URL may be corrected in the meantime.
            outcome = new SendOutcome(SendOutcomeKind.Unreachable, null, "webhook URL is not an absolute http or https URL", 0, null);
        }
        else
        {
            try
            {
                outcome = await SendAsync(delivery, uri, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await ReleaseAsync(delivery, leaseUntil).ConfigureAwait(false);
                throw;
            }
        }

        // Recorded even when the host is stopping: the request went out, and an outcome left unrecorded means the
        // receiver gets it again once the claim expires.
        using var recordTimeout = new CancellationTokenSource(RecordTimeout);
        return await RecordAsync(delivery, leaseUntil, outcome, recordTimeout.Token).ConfigureAwait(false);
    }

    private async Task<SendOutcome> SendAsync(DueDelivery delivery, Uri uri, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Signature, WebhookSignature.Compute(delivery.Secret, body));
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Delivery, delivery.Id.ToString("D"));
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Event, delivery.Event);
        var counter = new AttemptCounter();
        request.Options.Set(AttemptCounter.Key, counter);

        var client = _httpClients.CreateClient(WebhookDeliveryExtensions.HttpClientName);
        try
        {
            // Headers only: a receiver's body is not needed and may be large.
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new SendOutcome(SendOutcomeKind.Delivered, status, null, counter.Count, null);
            }

            var error = string.Create(CultureInfo.InvariantCulture, $"HTTP {status} {response.ReasonPhrase}");
            if (status is >= 300 and < 400)
            {
                error += " (redirects are not followed: a signed body is sent only to the configured URL)";
            }

            var kind = response.StatusCode == HttpStatusCode.Gone ? SendOutcomeKind.Gone : SendOutcomeKind.Rejected;
            return new SendOutcome(kind, status, error, counter.Count, RetryAfter(response.Headers.RetryAfter));
        }
        catch (HttpRequestException ex)
        {
            return new SendOutcome(SendOutcomeKind.Unreachable, null, $"{ex.HttpRequestError}: {ex.Message}", counter.Count, null);
        }
        catch (TimeoutRejectedException ex)
        {
            return new SendOutcome(SendOutcomeKind.Unreachable, null, $"timeout: no answer within {ex.Timeout}", counter.Count, null);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout, the backstop behind the pipeline's own timeouts.
            return new SendOutcome(SendOutcomeKind.Unreachable, null, "timeout: no answer", counter.Count, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else still ends this claim as a counted failure: left unrecorded, the delivery would be
            // retried at every lease expiry and never reach its give-up time.
            return new SendOutcome(SendOutcomeKind.Unreachable, null, $"{ex.GetType().Name}: {ex.Message}", counter.Count, null);
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - _time.GetUtcNow() : null;
    }

    private async Task<bool> TryClaimAsync(DueDelivery delivery, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var db = _store.Create();
        await using (db.ConfigureAwait(false))
        {
            // Only if nobody moved it since it was read: of two dispatchers that read the same row, one wins.
            // PostgreSQL re-checks the WHERE of a row another transaction just updated; SQLite writes one at a time.
            var oldNext = delivery.NextAttemptAt;
            var rows = await db.WebhookDeliveries
                .Where(d => d.Id == delivery.Id && d.State == DeliveryStates.Pending && d.NextAttemptAt == oldNext)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, leaseUntil), cancellationToken)
                .ConfigureAwait(false);
            return rows == 1;
        }
    }

    /// <summary>Records the outcome; returns the retry time when the webhook gave no answer and may stay silent.</summary>
    private async Task<DateTimeOffset?> RecordAsync(DueDelivery delivery, DateTimeOffset leaseUntil, SendOutcome outcome, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var db = _store.Create();
        await using (db.ConfigureAwait(false))
        {
            // Every send counts as at least one attempt, also one that could not be made (no valid URL).
            var tries = Math.Max(1, outcome.Tries);
            if (outcome.Kind == SendOutcomeKind.Delivered)
            {
                // Delivered stays delivered, even if the claim expired and another dispatcher holds the row now.
                var status = outcome.StatusCode;
                var rows = await db.WebhookDeliveries
                    .Where(d => d.Id == delivery.Id && d.State == DeliveryStates.Pending)
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(d => d.State, DeliveryStates.Delivered)
                            .SetProperty(d => d.DeliveredAt, now)
                            .SetProperty(d => d.NextAttemptAt, now)
                            .SetProperty(d => d.LastStatusCode, status)
                            .SetProperty(d => d.LastError, (string?)null)
                            .SetProperty(d => d.Attempts, d => d.Attempts + tries),
                        cancellationToken)
                    .ConfigureAwait(false);
                if (rows == 1)
                {
                    WebhookLog.Delivered(_logger, delivery.Id, delivery.Event, delivery.WebhookId, status ?? 0, delivery.Attempts + tries);
                }

                return null;
            }

            var error = outcome.Error ?? "failed";
            if (error.Length > MaxErrorLength)
            {
                error = error[..MaxErrorLength];
            }

            var dead = outcome.Kind == SendOutcomeKind.Gone || now >= delivery.CreatedAt + _options.GiveUpAfter;
            var next = dead ? now : WebhookBackoff.NextAttempt(now, delivery.CreatedAt, outcome.RetryAfter, _options, Random.Shared.NextDouble());
            var state = dead ? DeliveryStates.Dead : DeliveryStates.Pending;
            var lastStatus = outcome.StatusCode;
            var updated = await db.WebhookDeliveries
                .Where(d => d.Id == delivery.Id && d.State == DeliveryStates.Pending && d.NextAttemptAt == leaseUntil)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(d => d.State, state)
                        .SetProperty(d => d.NextAttemptAt, next)
                        .SetProperty(d => d.LastStatusCode, lastStatus)
                        .SetProperty(d => d.LastError, error)
                        .SetProperty(d => d.Attempts, d => d.Attempts + tries),
                    cancellationToken)
                .ConfigureAwait(false);
            if (updated == 0)
            {
                WebhookLog.ClaimExpired(_logger, delivery.Id);
                return null;
            }

            var total = delivery.Attempts + tries;
            if (dead)
            {
                WebhookLog.DeliveryDead(_logger, delivery.Id, delivery.Event, delivery.WebhookId, total, error);
                return null;
            }

            WebhookLog.AttemptFailed(_logger, delivery.Id, delivery.Event, delivery.WebhookId, error, total, next);
            return outcome.Kind == SendOutcomeKind.Unreachable ? next : null;
        }
    }

    /// <summary>
    /// The claim is matched by equality later: PostgreSQL keeps microseconds, .NET ticks are finer; whole
    /// milliseconds round-trip exactly on both providers.
    /// </summary>
    private static DateTimeOffset WholeMilliseconds(DateTimeOffset value) => value.AddTicks(-(value.Ticks % TimeSpan.TicksPerMillisecond));

    /// <summary>Moves unclaimed deliveries to <paramref name="until"/>, each only if nobody touched it since it was read.</summary>
    private async Task DeferAsync(List<DueDelivery> deliveries, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var db = _store.Create();
        await using (db.ConfigureAwait(false))
        {
            foreach (var delivery in deliveries)
            {
                var oldNext = delivery.NextAttemptAt;
                await db.WebhookDeliveries
                    .Where(d => d.Id == delivery.Id && d.State == DeliveryStates.Pending && d.NextAttemptAt == oldNext)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, until), cancellationToken)
                    .ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// At shutdown mid-send: makes the delivery due again at once, so the next server (or this one after a restart)
    /// need not wait out the lease. Best effort, a short time: the lease expires anyway.
    /// </summary>
    private async Task ReleaseAsync(DueDelivery delivery, DateTimeOffset leaseUntil)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var db = _store.Create();
            await using (db.ConfigureAwait(false))
            {
                var oldNext = delivery.NextAttemptAt;
                await db.WebhookDeliveries
                    .Where(d => d.Id == delivery.Id && d.State == DeliveryStates.Pending && d.NextAttemptAt == leaseUntil)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, oldNext), timeout.Token)
                    .ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is DbException or OperationCanceledException or InvalidOperationException)
        {
            WebhookLog.ReleaseFailed(_logger, delivery.Id, ex);
        }
    }
}
