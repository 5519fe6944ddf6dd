using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Alerting.Tests.Webhooks;

namespace StabilityMonitor.Alerting.Tests.Documented;

/// <summary>
/// docs/alerts.md, "Retries" and "The request": a `5xx`, `408` or `429` is retried at once in process, other non-`2xx`
/// answers go straight to the rescheduling; an HTTP error answer does not hold the webhook's other deliveries back;
/// the `User-Agent` is `StabilityMonitor-Webhooks/1.0`. (A connection error's quick retries and the 500 case are in
/// `WebhookDispatcherTests`.) SQLite only: the dispatcher's decisions do not depend on the provider.
/// </summary>
public sealed class WebhookRetryStatusTests(SqliteStores stores) : IClassFixture<SqliteStores>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(503)]
    public async Task RetriedStatus_TriedAgainInProcess_DeliveredInOnePass(int status)
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.FailFirst = 2;
        receiver.FailStatus = status;
        await harness.AddWebhookAsync(receiver.Url);
        await harness.RaiseAsync();
        using var dispatcher = harness.NewDispatcher();

        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);

        var delivery = await harness.SingleDeliveryAsync();
        Assert.Equal((DeliveryStates.Delivered, 3), (delivery.State, delivery.Attempts));
        Assert.Equal([status, status, 200], receiver.Requests.Select(static r => r.AnsweredStatus));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    public async Task OtherErrorStatus_NotRetriedInProcess_Rescheduled(int status)
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.FailFirst = 1;
        receiver.FailStatus = status;
        await harness.AddWebhookAsync(receiver.Url);
        await harness.RaiseAsync();
        using var dispatcher = harness.NewDispatcher();

        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);

        var delivery = await harness.SingleDeliveryAsync();
        Assert.Equal((DeliveryStates.Pending, 1, (int?)status), (delivery.State, delivery.Attempts, delivery.LastStatusCode));
        Assert.True(delivery.NextAttemptAt > DispatcherHarness.Start, $"next attempt {delivery.NextAttemptAt:O}");
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task HttpErrorAnswer_DoesNotHoldBackTheWebhooksOtherDeliveries()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.FailFirst = 1;
        receiver.FailStatus = 400;
        await harness.AddWebhookAsync(receiver.Url);
        for (var i = 0; i < 3; i++)
        {
            await harness.RaiseAsync();
            harness.Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        using var dispatcher = harness.NewDispatcher();
        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);

        var rows = (await harness.DeliveriesAsync()).OrderBy(static d => d.CreatedAt).ToList();
        Assert.Equal([DeliveryStates.Pending, DeliveryStates.Delivered, DeliveryStates.Delivered], rows.Select(static d => d.State));
        Assert.Equal([400, 200, 200], receiver.Requests.Select(static r => r.AnsweredStatus));
    }

    [Fact]
    public async Task UserAgent_IsTheDocumentedOne()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        await using var receiver = await WebhookReceiver.StartNewAsync();
        await harness.AddWebhookAsync(receiver.Url);
        await harness.RaiseAsync();
        using var dispatcher = harness.NewDispatcher();

        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal("StabilityMonitor-Webhooks/1.0", Assert.Single(receiver.Requests).Header("User-Agent"));
    }
}
