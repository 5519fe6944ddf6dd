using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Alerting.Webhooks;

namespace StabilityMonitor.Alerting.Tests.Webhooks;

/// <summary>
/// One store with a facility, and "servers": each <see cref="NewServer"/> is its own container (as a separate process
/// would have) built by <see cref="WebhookDeliveryExtensions.AddWebhookDelivery"/>. Dispatchers run on a shared
/// <see cref="FakeTimeProvider"/> (the durable schedule); HTTP timeouts and quick retries run on real time.
/// </summary>
internal sealed class DispatcherHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private readonly List<ServiceProvider> _servers = [];
    private readonly Dictionary<string, string?> _settings;
    private int _alerts;

    private DispatcherHarness(CareDbFactory store, Dictionary<string, string?> settings)
    {
        Store = store;
        _settings = settings;
    }

    public CareDbFactory Store { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    public Guid FacilityId { get; } = Guid.NewGuid();

    public ListLoggerProvider Logs { get; } = new();

    /// <summary>
    /// A migrated store of the provider with one facility. Test defaults: 5 s per attempt, 2 quick retries 20 ms apart
    /// (the rest as shipped); <paramref name="settings"/> overrides <c>Webhooks:*</c> keys.
    /// </summary>
    public static async Task<DispatcherHarness> CreateAsync(IStoreFactorySource stores, params (string Key, string Value)[] settings)
    {
        var config = new Dictionary<string, string?>
        {
            ["Webhooks:Timeout"] = "00:00:05",
            ["Webhooks:RetryCount"] = "2",
            ["Webhooks:RetryDelay"] = "00:00:00.020",
        };
        foreach (var (key, value) in settings)
        {
            config["Webhooks:" + key] = value;
        }

        var harness = new DispatcherHarness(await stores.CreateAsync(), config);
        await using var db = harness.Store.Create();
        db.Facilities.Add(new Facility { Id = harness.FacilityId, Name = "Rosewood", CreatedAt = Start });
        await db.SaveChangesAsync();
        return harness;
    }

    /// <summary>A fresh container, as a (re)started server has.</summary>
    public ServiceProvider NewServer()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(_settings).Build());
        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton(Store);
        services.AddWebhookDelivery();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _servers.Add(provider);
        return provider;
    }

    /// <summary>A dispatcher on a new server, on the harness's fake clock.</summary>
    public WebhookDispatcher NewDispatcher() => NewDispatcher(NewServer());

    public WebhookDispatcher NewDispatcher(IServiceProvider server) => ActivatorUtilities.CreateInstance<WebhookDispatcher>(server, (TimeProvider)Time);

    public async Task<Webhook> AddWebhookAsync(string url, string secret = "s3cret-key", string events = "alert.raised alert.acknowledged", bool active = true)
    {
        var hook = new Webhook { Id = Guid.NewGuid(), FacilityId = FacilityId, Url = url, Secret = secret, Events = events, Active = active, CreatedAt = Time.GetUtcNow() };
        await using var db = Store.Create();
        db.Webhooks.Add(hook);
        await db.SaveChangesAsync();
        return hook;
    }

    /// <summary>Raises an alert and queues <c>alert.raised</c> in the same transaction, as the alert writer does.</summary>
    public async Task<string> RaiseAsync()
    {
        var n = Interlocked.Increment(ref _alerts);
        var now = Time.GetUtcNow();
        var alert = new Alert
        {
            Id = AlertIds.For("ward-01", AlertKinds.Fall, n),
            DeviceId = "ward-01",
            FacilityId = FacilityId,
            Kind = AlertKinds.Fall,
            State = AlertStates.Open,
            Severity = "high",
            RaisedAt = now,
            DeviceTimeMicros = n,
            EscalateAt = now.AddMinutes(2),
        };
        await using var db = Store.Create();
        db.Alerts.Add(alert);
        await WebhookOutbox.EnqueueAsync(db, WebhookEvents.AlertRaised, AlertView.From(alert, null), now, CancellationToken.None);
        await db.SaveChangesAsync();
        return alert.Id;
    }

    /// <summary>Acknowledges an alert and queues <c>alert.acknowledged</c> in the same transaction.</summary>
    public async Task AcknowledgeAsync(string alertId)
    {
        var now = Time.GetUtcNow();
        await using var db = Store.Create();
        var alert = await db.Alerts.SingleAsync(a => a.Id == alertId);
        alert.State = AlertStates.Acknowledged;
        alert.AcknowledgedAt = now;
        alert.AcknowledgedBy = "nurse";
        alert.Version++;
        await WebhookOutbox.EnqueueAsync(db, WebhookEvents.AlertAcknowledged, AlertView.From(alert, null), now, CancellationToken.None);
        await db.SaveChangesAsync();
    }

    public async Task<List<WebhookDelivery>> DeliveriesAsync()
    {
        await using var db = Store.Create();
        return await db.WebhookDeliveries.AsNoTracking().OrderBy(d => d.CreatedAt).ThenBy(d => d.Event).ToListAsync();
    }

    public async Task<WebhookDelivery> SingleDeliveryAsync() => Assert.Single(await DeliveriesAsync());

    /// <summary>Moves the fake clock to <paramref name="at"/> (never back).</summary>
    public void AdvanceTo(DateTimeOffset at)
    {
        if (at > Time.GetUtcNow())
        {
            Time.SetUtcNow(at);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }
}
