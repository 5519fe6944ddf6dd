using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Alerting.Webhooks;
using Xunit.Abstractions;

namespace StabilityMonitor.Alerting.Tests.Webhooks;

/// <summary>Delivery of the outbox to a real HTTP receiver, on each provider.</summary>
public abstract class WebhookDispatcherTests<TStores>(TStores stores, ITestOutputHelper output) : IClassFixture<TStores>
    where TStores : class, IStoreFactorySource
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Dispatch_ReceiverAnswers200_SignedBodyAndHeadersAsStored()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var hook = await harness.AddWebhookAsync(receiver.Url, secret: "whsec-ä-42");
        var alertId = await harness.RaiseAsync();
        using var dispatcher = harness.NewDispatcher();

        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout));

        var stored = await harness.SingleDeliveryAsync();
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(Encoding.UTF8.GetBytes(stored.Payload), request.Body);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal(stored.Id.ToString("D"), request.Header("X-Stability-Delivery"));
        Assert.Equal(WebhookEvents.AlertRaised, request.Header("X-Stability-Event"));
        Assert.StartsWith("StabilityMonitor-Webhooks/", request.Header("User-Agent"), StringComparison.Ordinal);

        // What a receiver does: HMAC-SHA256 of the raw body with the shared secret, lowercase hex.
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec-ä-42"), request.Body));
        Assert.Equal(expected, request.Header("X-Stability-Signature"));
        Assert.Contains($"\"deliveryId\":\"{stored.Id:D}\"", Encoding.UTF8.GetString(request.Body), StringComparison.Ordinal);

        Assert.Equal(DeliveryStates.Delivered, stored.State);
        Assert.Equal(1, stored.Attempts);
        Assert.Equal(200, stored.LastStatusCode);
        Assert.Equal(DispatcherHarness.Start, stored.DeliveredAt);
        Assert.Null(stored.LastError);

        await using var db = harness.Store.Create();
        var view = Assert.Single(await WebhookDeliveryQueries.ForAlertAsync(db, alertId, CancellationToken.None));
        Assert.Equal(new WebhookDeliveryView(stored.Id, WebhookEvents.AlertRaised, hook.Id, receiver.Url, DeliveryStates.Delivered, 1, 200, null, DispatcherHarness.Start, DispatcherHarness.Start, null), view);
    }

    [Fact]
    public async Task Dispatch_ReceiverFailsThreeTimes_DeliveredOnceWithTheSameDeliveryId()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.FailFirst = 3;
        await harness.AddWebhookAsync(receiver.Url);
        await harness.RaiseAsync();
        using var dispatcher = harness.NewDispatcher();

        // The first send and its two quick retries all get 500: rescheduled in the database.
        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);
        var failed = await harness.SingleDeliveryAsync();
        Assert.Equal(DeliveryStates.Pending, failed.State);
        Assert.Equal(3, failed.Attempts);
        Assert.Equal(500, failed.LastStatusCode);
        Assert.StartsWith("HTTP 500", failed.LastError, StringComparison.Ordinal);
        Assert.InRange(failed.NextAttemptAt, DispatcherHarness.Start.AddSeconds(3.75), DispatcherHarness.Start.AddSeconds(5));

        // Not due yet: nothing is sent.
        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout));
        Assert.Equal(3, receiver.Requests.Count);

        harness.AdvanceTo(failed.NextAttemptAt);
        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout));

        var delivered = await harness.SingleDeliveryAsync();
        Assert.Equal(DeliveryStates.Delivered, delivered.State);
        Assert.Equal(4, delivered.Attempts);
        Assert.Equal(200, delivered.LastStatusCode);
        Assert.Equal(failed.NextAttemptAt, delivered.DeliveredAt);
        Assert.Equal([500, 500, 500, 200], receiver.Requests.Select(static r => r.AnsweredStatus));
        Assert.All(receiver.Requests, r => Assert.Equal(delivered.Id.ToString("D"), r.Header("X-Stability-Delivery")));
        Assert.Single(receiver.Requests.Select(static r => r.Header("X-Stability-Signature")).Distinct());
    }

    [Fact]
    public async Task Dispatch_ReceiverDownThenUp_DeliveredAfterTimeAdvances()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        var receiver = new WebhookReceiver();
        await using var _ = receiver;
        await harness.AddWebhookAsync(receiver.Url);
        await harness.RaiseAsync();
        using var dispatcher = harness.NewDispatcher();

        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);
        var failed = await harness.SingleDeliveryAsync();
        Assert.Equal(DeliveryStates.Pending, failed.State);
        Assert.Equal(3, failed.Attempts);
        Assert.Null(failed.LastStatusCode);
        Assert.Contains("ConnectionError", failed.LastError, StringComparison.Ordinal);

        await receiver.StartAsync();
        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout));
        Assert.Empty(receiver.Requests);

        harness.AdvanceTo(failed.NextAttemptAt);
        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);
        var delivered = await harness.SingleDeliveryAsync();
        Assert.Equal(DeliveryStates.Delivered, delivered.State);
        Assert.Equal(4, delivered.Attempts);
        Assert.Equal(delivered.Id.ToString("D"), Assert.Single(receiver.Requests).Header("X-Stability-Delivery"));
    }

    [Fact]
    public async Task Dispatch_ReceiverStalls_AttemptTimesOutAndIsRetriedLater()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores, ("RetryCount", "0"), ("Timeout", "00:00:00.300"));
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.StallFirst = 1;
        await harness.AddWebhookAsync(receiver.Url);
        await harness.RaiseAsync();
        using var dispatcher = harness.NewDispatcher();

        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);
        var failed = await harness.SingleDeliveryAsync();
        Assert.Equal(DeliveryStates.Pending, failed.State);
        Assert.StartsWith("timeout", failed.LastError, StringComparison.Ordinal);

        harness.AdvanceTo(failed.NextAttemptAt);
        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);
        Assert.Equal(DeliveryStates.Delivered, (await harness.SingleDeliveryAsync()).State);
        Assert.Equal([0, 200], receiver.Requests.Select(static r => r.AnsweredStatus));
    }

    [Fact]
    public async Task Restart_AfterFailedAttempt_NewServerDeliversTheSameDelivery()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.FailFirst = 3;
        await harness.AddWebhookAsync(receiver.Url);
        await harness.RaiseAsync();

        var first = harness.NewDispatcher();
        await first.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);
        first.Dispose();
        var failed = await harness.SingleDeliveryAsync();
        Assert.Equal(DeliveryStates.Pending, failed.State);

        using var second = harness.NewDispatcher();
        harness.AdvanceTo(failed.NextAttemptAt);
        await second.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);

        var delivered = await harness.SingleDeliveryAsync();
        Assert.Equal(DeliveryStates.Delivered, delivered.State);
        Assert.Equal(4, delivered.Attempts);
        Assert.All(receiver.Requests, r => Assert.Equal(delivered.Id.ToString("D"), r.Header("X-Stability-Delivery")));
    }

    [Fact]
    public async Task Restart_StoppedMidSend_ClaimReleasedAndNewServerDeliversAtOnce()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores, ("Timeout", "00:00:30"));
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.StallFirst = 1;
        await harness.AddWebhookAsync(receiver.Url);
        await harness.RaiseAsync();

        var first = harness.NewDispatcher();
        using (var stop = new CancellationTokenSource())
        {
            var pass = first.DispatchDueAsync(stop.Token);
            await WaitUntilAsync(() => Task.FromResult(receiver.Requests.Count == 1));
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pass.WaitAsync(TestTimeout));
        }

        first.Dispose();
        var interrupted = await harness.SingleDeliveryAsync();
        Assert.Equal(DeliveryStates.Pending, interrupted.State);
        Assert.Equal(DispatcherHarness.Start, interrupted.NextAttemptAt);

        // Same clock: the released claim is due at once, no lease to wait out.
        using var second = harness.NewDispatcher();
        Assert.Equal(1, await second.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout));
        Assert.Equal(DeliveryStates.Delivered, (await harness.SingleDeliveryAsync()).State);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(static r => r.Header("X-Stability-Delivery")).Distinct());
    }

    [Fact]
    public async Task Enqueue_TwoTransitions_TwoDeliveryIdsEachKeptOnItsRetries()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.FailFirst = 2;
        await harness.AddWebhookAsync(receiver.Url);
        var alertId = await harness.RaiseAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await harness.AcknowledgeAsync(alertId);
        using var dispatcher = harness.NewDispatcher();

        Assert.Equal(2, await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout));

        var deliveries = await harness.DeliveriesAsync();
        Assert.Equal([WebhookEvents.AlertRaised, WebhookEvents.AlertAcknowledged], deliveries.Select(static d => d.Event));
        Assert.All(deliveries, static d => Assert.Equal(DeliveryStates.Delivered, d.State));
        Assert.NotEqual(deliveries[0].Id, deliveries[1].Id);
        Assert.Equal([3, 1], deliveries.Select(static d => d.Attempts));

        // Raised (500, 500, 200) before acknowledged (200): one webhook's deliveries go in order.
        var ids = receiver.Requests.Select(static r => r.Header("X-Stability-Delivery")).ToList();
        Assert.Equal([deliveries[0].Id.ToString("D"), deliveries[0].Id.ToString("D"), deliveries[0].Id.ToString("D"), deliveries[1].Id.ToString("D")], ids);
        Assert.Equal([WebhookEvents.AlertRaised, WebhookEvents.AlertRaised, WebhookEvents.AlertRaised, WebhookEvents.AlertAcknowledged], receiver.Requests.Select(static r => r.Header("X-Stability-Event")));

        await using var db = harness.Store.Create();
        Assert.Equal(deliveries.Select(static d => d.Id), (await WebhookDeliveryQueries.ForAlertAsync(db, alertId, CancellationToken.None)).Select(static v => v.Id));
    }

    [Fact]
    public async Task Dispatch_FailingPastGiveUpAfter_DeadKeptAndListed()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores, ("GiveUpAfter", "00:02:00"), ("RetryCount", "0"));
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.FailFirst = int.MaxValue / 2;
        await harness.AddWebhookAsync(receiver.Url);
        var alertId = await harness.RaiseAsync();
        using var dispatcher = harness.NewDispatcher();

        var schedule = new List<DateTimeOffset>();
        WebhookDelivery row;
        do
        {
            schedule.Add(harness.Time.GetUtcNow());
            await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);
            row = await harness.SingleDeliveryAsync();
            harness.AdvanceTo(row.NextAttemptAt);
        }
        while (row.State == DeliveryStates.Pending && schedule.Count < 100);

        output.WriteLine($"attempts at +{string.Join(", +", schedule.Select(static t => (t - DispatcherHarness.Start).TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)))} s");
        Assert.Equal(DeliveryStates.Dead, row.State);
        Assert.Equal(schedule.Count, row.Attempts);
        Assert.Equal(schedule.Count, receiver.Requests.Count);
        Assert.Equal(500, row.LastStatusCode);
        Assert.Null(row.DeliveredAt);

        // Gaps grow (about as long as the delivery is old), and the last try is exactly at the give-up time.
        Assert.InRange(schedule.Count, 5, 12);
        Assert.Equal(DispatcherHarness.Start.AddMinutes(2), schedule[^1]);
        Assert.Contains(harness.Logs.Entries, static e => e.Id.Name == "DeliveryDead");

        // Dead stays dead and visible: later passes send nothing.
        harness.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout));
        Assert.Equal(schedule.Count, receiver.Requests.Count);
        await using var db = harness.Store.Create();
        var view = Assert.Single(await WebhookDeliveryQueries.ForAlertAsync(db, alertId, CancellationToken.None));
        Assert.Equal(DeliveryStates.Dead, view.State);
        Assert.Null(view.NextAttemptAt);
        Assert.Equal(schedule.Count, view.Attempts);
    }

    [Fact]
    public async Task Dispatch_Receiver410Gone_DeadAtOnceWithoutRetries()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.FailFirst = 1;
        receiver.FailStatus = 410;
        await harness.AddWebhookAsync(receiver.Url);
        await harness.RaiseAsync();
        using var dispatcher = harness.NewDispatcher();

        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);

        var row = await harness.SingleDeliveryAsync();
        Assert.Equal(DeliveryStates.Dead, row.State);
        Assert.Equal(410, row.LastStatusCode);
        Assert.Equal(1, row.Attempts);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Dispatch_Redirect_NotFollowedAndCountsAsFailure()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores, ("RetryCount", "0"));
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.FailFirst = 1;
        receiver.FailStatus = 307;
        await harness.AddWebhookAsync(receiver.Url);
        await harness.RaiseAsync();
        using var dispatcher = harness.NewDispatcher();

        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);

        var row = await harness.SingleDeliveryAsync();
        Assert.Equal(DeliveryStates.Pending, row.State);
        Assert.Equal(307, row.LastStatusCode);
        Assert.Contains("redirects are not followed", row.LastError, StringComparison.Ordinal);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Dispatch_WebhookDeactivatedAfterQueueing_DeadWithoutRequest()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var hook = await harness.AddWebhookAsync(receiver.Url);
        await harness.RaiseAsync();
        await using (var db = harness.Store.Create())
        {
            db.Webhooks.Attach(hook);
            hook.Active = false;
            await db.SaveChangesAsync();
        }

        using var dispatcher = harness.NewDispatcher();
        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);

        var row = await harness.SingleDeliveryAsync();
        Assert.Equal(DeliveryStates.Dead, row.State);
        Assert.Contains("deactivated", row.LastError, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Dispatch_NotHttpUrl_NoRequestAndKeptPending()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        await harness.AddWebhookAsync("file:///etc/passwd");
        await harness.RaiseAsync();
        using var dispatcher = harness.NewDispatcher();

        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);

        var row = await harness.SingleDeliveryAsync();
        Assert.Equal(DeliveryStates.Pending, row.State);
        Assert.Equal(1, row.Attempts);
        Assert.Contains("http or https", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_WebhookUnreachable_LaterDeliveriesWaitWithoutBeingSent()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        var down = new WebhookReceiver();
        await using var _ = down;
        await using var up = await WebhookReceiver.StartNewAsync();
        await harness.AddWebhookAsync(down.Url);
        await harness.AddWebhookAsync(up.Url);
        for (var i = 0; i < 3; i++)
        {
            await harness.RaiseAsync();
            harness.Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        using var dispatcher = harness.NewDispatcher();
        Assert.Equal(4, await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout));

        // The reachable webhook got all three; of the other's three only the oldest was tried.
        Assert.Equal(3, up.Requests.Count);
        var rows = await harness.DeliveriesAsync();
        var toDown = rows.Where(d => d.State == DeliveryStates.Pending).OrderBy(static d => d.CreatedAt).ToList();
        Assert.Equal(3, toDown.Count);
        Assert.Equal([3, 0, 0], toDown.Select(static d => d.Attempts));
        Assert.Single(toDown.Select(static d => d.NextAttemptAt).Distinct());

        await down.StartAsync();
        harness.AdvanceTo(toDown[0].NextAttemptAt);
        Assert.Equal(3, await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout));
        Assert.All(await harness.DeliveriesAsync(), static d => Assert.Equal(DeliveryStates.Delivered, d.State));
        Assert.Equal(toDown.Select(static d => d.Id.ToString("D")), down.Requests.Select(static r => r.Header("X-Stability-Delivery")));
    }

    [Fact]
    public async Task HostedDispatcher_WokenAfterCommit_DeliversWithoutWaitingForThePoll()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores, ("PollInterval", "00:10:00"));
        await using var receiver = await WebhookReceiver.StartNewAsync();
        await harness.AddWebhookAsync(receiver.Url);
        var server = harness.NewServer();
        using var dispatcher = harness.NewDispatcher(server);
        await dispatcher.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => Task.FromResult(harness.Logs.Entries.Any(static e => e.Id.Name == "DispatcherStarted")));

        // As the alert writer does: commit, then signal. The 10 min poll would be far too late.
        await harness.RaiseAsync();
        server.GetRequiredService<DeliveryWakeup>().Notify();
        await WaitUntilAsync(async () => (await harness.SingleDeliveryAsync()).State == DeliveryStates.Delivered);

        await dispatcher.StopAsync(CancellationToken.None).WaitAsync(TestTimeout);
        foreach (var entry in harness.Logs.Entries)
        {
            output.WriteLine($"{entry.Level} {entry.Category} {entry.Id.Name}: {entry.Message}");
        }

        Assert.Single(receiver.Requests);
        Assert.DoesNotContain(harness.Logs.Entries, static e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task TwoServers_OneDatabase_FiftyDeliveriesEachSentOnce()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.AnswerDelay = TimeSpan.FromMilliseconds(5);
        for (var i = 0; i < 5; i++)
        {
            await harness.AddWebhookAsync(receiver.Url, secret: $"secret-{i}");
        }

        for (var i = 0; i < 10; i++)
        {
            await harness.RaiseAsync();
        }

        using var a = harness.NewDispatcher();
        using var b = harness.NewDispatcher();
        var claims = await Task.WhenAll(RunUntilIdleAsync(a), RunUntilIdleAsync(b)).WaitAsync(TestTimeout);

        var rows = await harness.DeliveriesAsync();
        Assert.Equal(50, rows.Count);
        Assert.All(rows, static d => Assert.Equal(DeliveryStates.Delivered, d.State));
        var perId = receiver.Requests.GroupBy(static r => r.Header("X-Stability-Delivery")).ToDictionary(static g => g.Key, static g => g.Count());
        Assert.Equal(rows.Select(static d => d.Id.ToString("D")).Order(), perId.Keys.Order());
        var duplicates = receiver.Requests.Count - 50;
        output.WriteLine($"{stores.GetType().Name}: dispatcher A claimed {claims[0]}, B claimed {claims[1]}; {receiver.Requests.Count} requests for 50 deliveries, {duplicates} duplicates");
        Assert.Equal(50, claims[0] + claims[1]);
        Assert.Equal(0, duplicates);
    }

    private static async Task<int> RunUntilIdleAsync(WebhookDispatcher dispatcher)
    {
        await Task.Yield();
        var total = 0;
        int claimed;
        do
        {
            claimed = await dispatcher.DispatchDueAsync(CancellationToken.None);
            total += claimed;
        }
        while (claimed > 0);
        return total;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        while (!await condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}

public sealed class SqliteWebhookDispatcherTests(SqliteStores stores, ITestOutputHelper output) : WebhookDispatcherTests<SqliteStores>(stores, output);

public sealed class PostgresWebhookDispatcherTests(PostgresStores stores, ITestOutputHelper output) : WebhookDispatcherTests<PostgresStores>(stores, output);
