using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Dashboard.Broadcast;
using StabilityMonitor.Dashboard.Contract;

namespace StabilityMonitor.IntegrationTests.Dashboard;

/// <summary>A facility whose dashboards cannot keep up: producers never wait, metrics are dropped and counted, alerts never.</summary>
public sealed class GroupOutboxTests
{
    [Fact]
    public async Task SlowGroup_ProducersNeverWait_MetricsDroppedAndCounted_AlertsAllDeliveredInOrder()
    {
        var hub = new BlockingHubContext();
        var metrics = new DashboardMetrics();
        var outbox = new GroupOutbox(Guid.NewGuid(), capacity: 4, hub, metrics, TimeProvider.System, NullLogger.Instance);
        var loop = outbox.RunAsync(CancellationToken.None);

        // The group's send is blocked until the hub is released below: if an offer waited for a send, the producers could
        // not finish before that release. (The wait is a hang guard, not a measure of speed.)
        var admitted = 0;
        var producers = Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                admitted += outbox.TryEnqueue(new DashboardMessage(MessageKind.Metrics, Metrics: [new ResidentMetrics(Guid.Empty, 1, 2, DateTimeOffset.UnixEpoch)])) ? 1 : 0;
                if (i % 100 == 0)
                {
                    outbox.EnqueueAlert(new DashboardMessage(MessageKind.Alert, Alert: new AlertChange("raised", Alert(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
                }
            }
        });
        var finished = await Task.WhenAny(producers, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(finished == producers, "the producers waited for a blocked group's send");
        await producers;
        Assert.InRange(admitted, 4, 5);
        Assert.Equal(1000 - admitted, metrics.Dropped(MessageKind.Metrics));

        hub.Blocking.Release();
        outbox.Complete();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Enumerable.Range(0, 10).Select(static i => $"alert {i * 100}"), hub.Blocking.Sent.Where(static s => s.StartsWith("alert", StringComparison.Ordinal)));
        Assert.Equal(admitted, hub.Blocking.Sent.Count(static s => s == "metrics"));
        Assert.Equal(10, metrics.Messages(MessageKind.Alert));
        Assert.Equal(0, metrics.Dropped(MessageKind.Alert));
    }

    private static AlertView Alert(string id) => new(
        id, "a-01", null, null, "fall", "open", "high", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
        null, null, null, null, null, null, null, null, null, null, null, false);
}
