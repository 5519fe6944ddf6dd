using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Alerting.Tests.Webhooks;

namespace StabilityMonitor.Alerting.Tests.Documented;

/// <summary>
/// docs/alerts.md, "Configuration": webhooks are named by id in logs, never by URL (a URL may carry a token). Every
/// log entry of every category, at every level, through a delivery that fails then succeeds, one to a receiver that is
/// down (failed, then deferred) and one answered 410 (dead).
/// </summary>
public sealed class WebhookLogTests(SqliteStores stores) : IClassFixture<SqliteStores>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Logs_NameEachWebhookById_NeverItsUrlOrToken()
    {
        await using var harness = await DispatcherHarness.CreateAsync(stores);
        await using var failing = await WebhookReceiver.StartNewAsync();
        failing.FailFirst = 3;
        await using var gone = await WebhookReceiver.StartNewAsync();
        gone.FailFirst = 1;
        gone.FailStatus = 410;
        var down = new WebhookReceiver();
        await using var _ = down;

        var urls = new[]
        {
            failing.Url + "?token=failing-hook-token-1",
            down.Url + "?token=down-hook-token-2",
            gone.Url + "?access_token=gone-hook-token-3",
        };
        var hooks = new List<Webhook>();
        foreach (var url in urls)
        {
            hooks.Add(await harness.AddWebhookAsync(url));
        }

        await harness.RaiseAsync();
        await harness.RaiseAsync();
        using var dispatcher = harness.NewDispatcher();
        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);
        var later = (await harness.DeliveriesAsync()).Where(static d => d.State == DeliveryStates.Pending).Max(static d => d.NextAttemptAt);
        harness.AdvanceTo(later);
        await dispatcher.DispatchDueAsync(CancellationToken.None).WaitAsync(TestTimeout);

        var entries = harness.Logs.Entries;
        var names = entries.Select(static e => e.Id.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in new[] { "AttemptFailed", "Delivered", "DeliveryDead", "WebhookDeferred" })
        {
            Assert.True(names.Contains(name), $"no {name} entry: the test did not reach every message that names a webhook");
        }

        foreach (var hook in hooks)
        {
            Assert.Contains(entries, e => e.Message.Contains(hook.Id.ToString("D"), StringComparison.OrdinalIgnoreCase));
        }

        foreach (var entry in entries)
        {
            foreach (var secret in new[] { "/hook", "token=", "failing-hook-token-1", "down-hook-token-2", "gone-hook-token-3" })
            {
                Assert.False(entry.Message.Contains(secret, StringComparison.Ordinal), $"{entry.Category} {entry.Id.Name} logs \"{secret}\": {entry.Message}");
            }
        }
    }
}
