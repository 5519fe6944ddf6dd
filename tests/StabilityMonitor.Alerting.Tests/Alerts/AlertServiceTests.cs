using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Alerting.Devices;
using StabilityMonitor.Alerting.Webhooks;

namespace StabilityMonitor.Alerting.Tests.Alerts;

/// <summary>The alert lifecycle against a real store (SQLite file, PostgreSQL), on a fake clock.</summary>
public abstract class AlertServiceTests<TStores>(TStores stores) : IClassFixture<TStores>
    where TStores : class, IStoreFactorySource
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Raise_SameEventTwice_OneAlertOneAuditOneDelivery()
    {
        var rig = await Rig.CreateAsync(stores);
        var first = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 1_000_000, AlertSeverities.High), default);
        var again = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 1_000_000, AlertSeverities.High), default);

        Assert.NotNull(first);
        Assert.Null(again);
        Assert.Equal(rig.FacilityA, first.FacilityId);
        Assert.Equal(rig.ResidentA, first.ResidentId);
        Assert.Equal(AlertStates.Open, first.State);
        await using var db = rig.Db.Create();
        Assert.Equal(1, await db.Alerts.CountAsync());
        Assert.Equal(1, await db.AlertAudits.CountAsync());
        var delivery = Assert.Single(await db.WebhookDeliveries.ToListAsync());
        Assert.Equal(WebhookEvents.AlertRaised, delivery.Event);
        Assert.Contains(first.Id, delivery.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WarmUp_StoresAndPublishesNothing_AndRaisingWorksAfterIt()
    {
        var rig = await Rig.CreateAsync(stores);
        var changes = new List<AlertChange>();
        using var subscription = rig.Feed.Changes.Subscribe(changes.Add);

        // Twice: a warm-up after a restart finds the store as the last one left it.
        await rig.Alerts.WarmUpAsync(default);
        await rig.Alerts.WarmUpAsync(default);

        await using (var db = rig.Db.Create())
        {
            Assert.Equal(0, await db.Alerts.CountAsync());
            Assert.Equal(0, await db.AlertAudits.CountAsync());
            Assert.Equal(0, await db.WebhookDeliveries.CountAsync());
        }

        Assert.Empty(changes);
        var raised = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 1_000_000, AlertSeverities.High), default);
        Assert.NotNull(raised);
        Assert.Equal(rig.FacilityA, raised.FacilityId);
        Assert.Equal(["raised"], changes.Select(static c => c.Action));
        await using var after = rig.Db.Create();
        Assert.Equal(1, await after.Alerts.CountAsync());
        Assert.Equal(1, await after.WebhookDeliveries.CountAsync());
    }

    [Fact]
    public async Task Raise_PublishesTheChangeBeforeItLogs()
    {
        // The dashboard waits for the publication; the console formats the log line on the raising thread (and the first
        // one after a start compiles the logger's path): the line comes after.
        var order = new List<string>();
        var rig = await Rig.CreateAsync(stores, logger: new OrderLogger(order));
        using var subscription = rig.Feed.Changes.Subscribe(c =>
        {
            lock (order)
            {
                order.Add("published " + c.Action);
            }
        });

        await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, 1_000_000, AlertSeverities.Medium), default);
        await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 3_000_000, AlertSeverities.High), default);

        Assert.Equal(
            ["published raised", "logged AlertRaised", "published raised", "published resolved", "logged AlertRaised", "logged AlertTransition"],
            order);
    }

    [Fact]
    public async Task Raise_ConcurrentDuplicates_ExactlyOneWins()
    {
        var rig = await Rig.CreateAsync(stores);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, 42, AlertSeverities.Medium), default))));
        Assert.Single(results, static r => r is not null);
        await using var db = rig.Db.Create();
        Assert.Equal(1, await db.Alerts.CountAsync());
    }

    [Fact]
    public async Task Escalation_FallNotAcknowledgedInTwoMinutes_EscalatedOnceWithWebhook()
    {
        var rig = await Rig.CreateAsync(stores);
        var fall = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 1, AlertSeverities.High), default);
        var nearFall = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, 2, AlertSeverities.Medium), default);

        rig.Time.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(0, await rig.Alerts.EscalateDueAsync(default));
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await rig.Alerts.EscalateDueAsync(default));
        Assert.Equal(0, await rig.Alerts.EscalateDueAsync(default));

        var escalated = await rig.Alerts.GetAsync(fall!.Id, Actor.System, default);
        Assert.Equal(AlertSeverities.Critical, escalated!.Severity);
        Assert.Equal(s_start.AddMinutes(2), escalated.EscalatedAt);
        Assert.Equal(AlertSeverities.Medium, (await rig.Alerts.GetAsync(nearFall!.Id, Actor.System, default))!.Severity);

        // The near-fall's 15 minutes; an acknowledged alert is never escalated.
        await rig.Alerts.AcknowledgeAsync(nearFall.Id, rig.CaregiverA, "seen", default);
        rig.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(0, await rig.Alerts.EscalateDueAsync(default));

        var audit = await rig.Alerts.AuditAsync(fall.Id, Actor.System, default);
        Assert.Equal(["raised", "escalated"], audit!.Select(static a => a.Action));
        await using var db = rig.Db.Create();
        Assert.Equal(1, await db.WebhookDeliveries.CountAsync(d => d.AlertId == fall.Id && d.Event == WebhookEvents.AlertEscalated));
    }

    [Fact]
    public async Task LongLie_EscalatesItsFallAlertToCriticalOnce_WithAuditAndWebhook()
    {
        var rig = await Rig.CreateAsync(stores);
        const long Onset = 50_000_000;
        var fall = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, Onset, AlertSeverities.High), default);
        var other = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, Onset - 600_000_000, AlertSeverities.High), default);
        await rig.Alerts.AcknowledgeAsync(fall!.Id, rig.CaregiverA, "on my way", default);
        rig.Time.Advance(TimeSpan.FromSeconds(61));

        Assert.True(await rig.Alerts.EscalateLongLieAsync("a-01", Onset, 61, default));
        Assert.False(await rig.Alerts.EscalateLongLieAsync("a-01", Onset, 61, default));

        var escalated = (await rig.Alerts.GetAsync(fall.Id, Actor.System, default))!;
        Assert.Equal((AlertSeverities.Critical, AlertStates.Acknowledged), (escalated.Severity, escalated.State));
        Assert.Equal(s_start.AddSeconds(61), escalated.EscalatedAt);
        var audit = (await rig.Alerts.AuditAsync(fall.Id, Actor.System, default))!;
        Assert.Equal(["raised", "acknowledged", AlertService.LongLieAction], audit.Select(static a => a.Action));
        Assert.Contains("long lie", audit[^1].Note, StringComparison.Ordinal);
        Assert.Equal(AlertSeverities.High, (await rig.Alerts.GetAsync(other!.Id, Actor.System, default))!.Severity);
        await using var db = rig.Db.Create();
        Assert.Equal(1, await db.WebhookDeliveries.CountAsync(d => d.AlertId == fall.Id && d.Event == WebhookEvents.AlertEscalated));
    }

    [Fact]
    public async Task LongLie_OfAResolvedOrUnknownFall_ChangesNothing()
    {
        var rig = await Rig.CreateAsync(stores);
        var fall = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 9_000_000, AlertSeverities.High), default);
        await rig.Alerts.ResolveAsync(fall!.Id, rig.CaregiverA, AlertOutcomes.All[0], "helped up", default);

        Assert.False(await rig.Alerts.EscalateLongLieAsync("a-01", 9_000_000, 60, default));
        Assert.False(await rig.Alerts.EscalateLongLieAsync("a-01", 1_000, 60, default));
        Assert.Equal(AlertSeverities.High, (await rig.Alerts.GetAsync(fall.Id, Actor.System, default))!.Severity);
        await using var db = rig.Db.Create();
        Assert.Equal(0, await db.WebhookDeliveries.CountAsync(d => d.Event == WebhookEvents.AlertEscalated));
    }

    [Fact]
    public async Task Fall_ClosesTheSameWearablesNearFallOfSecondsBefore_OneIncident()
    {
        var rig = await Rig.CreateAsync(stores);
        await rig.Admin.AssignAsync("a-02", await rig.Admin.CreateResidentAsync(rig.FacilityA, "Cy", "3", null, default), "test", default);
        const long Fall = 100_000_000;
        var stumble = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, Fall - 3_000_000, AlertSeverities.Medium), default);
        var earlier = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, Fall - 20_000_000, AlertSeverities.Medium), default);
        var neighbour = await rig.Alerts.RaiseAsync(new AlertRaise("a-02", AlertKinds.NearFall, Fall - 1_000_000, AlertSeverities.Medium), default);
        await rig.Alerts.AcknowledgeAsync(stumble!.Id, rig.CaregiverA, "on my way", default);
        rig.Time.Advance(TimeSpan.FromSeconds(3));

        var fall = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, Fall, AlertSeverities.High), default);

        Assert.NotNull(fall);
        Assert.Equal(AlertStates.Open, fall.State);
        var closed = (await rig.Alerts.GetAsync(stumble.Id, Actor.System, default))!;
        Assert.Equal(AlertStates.Resolved, closed.State);
        Assert.Equal(AlertOutcomes.LedToFall, closed.Outcome);
        Assert.Contains(fall.Id, closed.ResolveNote, StringComparison.Ordinal);
        Assert.Equal(["raised", "acknowledged", "resolved"], (await rig.Alerts.AuditAsync(stumble.Id, Actor.System, default))!.Select(static a => a.Action));

        // Not the same incident: a stumble 20 s before, another wearable's stumble.
        Assert.Equal(AlertStates.Open, (await rig.Alerts.GetAsync(earlier!.Id, Actor.System, default))!.State);
        Assert.Equal(AlertStates.Open, (await rig.Alerts.GetAsync(neighbour!.Id, Actor.System, default))!.State);
        await using var db = rig.Db.Create();
        Assert.Equal(1, await db.WebhookDeliveries.CountAsync(d => d.AlertId == stumble.Id && d.Event == WebhookEvents.AlertResolved));

        // The closed near-fall is not escalated; the other open ones still are, after their 15 minutes.
        rig.Time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(3, await rig.Alerts.EscalateDueAsync(default));
        Assert.Null((await rig.Alerts.GetAsync(stumble.Id, Actor.System, default))!.EscalatedAt);
    }

    [Fact]
    public async Task Fall_WithTheRuleOff_LeavesTheNearFallOpen()
    {
        var rig = await Rig.CreateAsync(stores, new AlertingOptions { NearFallLeadingToFallWithin = TimeSpan.Zero });
        var stumble = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, 7_000_000, AlertSeverities.Medium), default);
        await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 9_000_000, AlertSeverities.High), default);
        Assert.Equal(AlertStates.Open, (await rig.Alerts.GetAsync(stumble!.Id, Actor.System, default))!.State);
    }

    [Fact]
    public async Task Lifecycle_AcknowledgeThenResolve_AuditedWithActorsAndNotes()
    {
        var rig = await Rig.CreateAsync(stores);
        var alert = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 7, AlertSeverities.High), default);
        rig.Time.Advance(TimeSpan.FromSeconds(30));
        var ack = await rig.Alerts.AcknowledgeAsync(alert!.Id, rig.CaregiverA, "on my way", default);
        Assert.Equal(AlertActionStatus.Done, ack.Status);
        Assert.Equal(AlertActionStatus.Conflict, (await rig.Alerts.AcknowledgeAsync(alert.Id, rig.CaregiverA, null, default)).Status);
        Assert.Equal(AlertActionStatus.Invalid, (await rig.Alerts.ResolveAsync(alert.Id, rig.CaregiverA, "maybe", null, default)).Status);
        rig.Time.Advance(TimeSpan.FromSeconds(30));
        var resolved = await rig.Alerts.ResolveAsync(alert.Id, rig.CaregiverA, AlertOutcomes.FalseAlarm, "sat down hard", default);

        Assert.Equal(AlertActionStatus.Done, resolved.Status);
        Assert.Equal(AlertStates.Resolved, resolved.Alert!.State);
        Assert.Equal("carer-a", resolved.Alert.AcknowledgedBy);
        Assert.Equal(AlertOutcomes.FalseAlarm, resolved.Alert.Outcome);
        var audit = await rig.Alerts.AuditAsync(alert.Id, rig.CaregiverA, default);
        Assert.Collection(
            audit!,
            a => Assert.Equal(("raised", "system", (string?)null, "open"), (a.Action, a.Actor, a.FromState, a.ToState)),
            a => Assert.Equal(("acknowledged", "carer-a", (string?)"open", "acknowledged", (string?)"on my way"), (a.Action, a.Actor, a.FromState, a.ToState, a.Note)),
            a => Assert.Equal(("resolved", "carer-a", (string?)"acknowledged", "resolved", (string?)"sat down hard"), (a.Action, a.Actor, a.FromState, a.ToState, a.Note)));
        Assert.Equal(s_start.AddMinutes(1), audit![2].At);
    }

    [Fact]
    public async Task Scope_OtherFacility_SeesNothingAndCannotAct()
    {
        var rig = await Rig.CreateAsync(stores);
        var alert = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 9, AlertSeverities.High), default);
        var unassigned = await rig.Alerts.RaiseAsync(new AlertRaise("stray-01", AlertKinds.Fall, 9, AlertSeverities.High), default);

        Assert.Null(await rig.Alerts.GetAsync(alert!.Id, rig.CaregiverB, default));
        Assert.Null(await rig.Alerts.AuditAsync(alert.Id, rig.CaregiverB, default));
        Assert.Equal(AlertActionStatus.NotFound, (await rig.Alerts.AcknowledgeAsync(alert.Id, rig.CaregiverB, null, default)).Status);
        Assert.Equal(AlertActionStatus.NotFound, (await rig.Alerts.ResolveAsync(alert.Id, rig.CaregiverB, AlertOutcomes.Other, null, default)).Status);
        Assert.Empty((await rig.Alerts.ListAsync(new AlertQuery(null, null, null, null, 1, 50), rig.CaregiverB, default)).Items);
        Assert.Equal([alert.Id], (await rig.Alerts.ListAsync(new AlertQuery(null, null, null, null, 1, 50), rig.CaregiverA, default)).Items.Select(static a => a.Id));

        // An unregistered wearable's alert belongs to no facility: only a global admin sees it.
        Assert.Null(unassigned!.FacilityId);
        Assert.Null(await rig.Alerts.GetAsync(unassigned.Id, rig.CaregiverA, default));
        Assert.Equal(2, (await rig.Alerts.ListAsync(new AlertQuery(null, null, null, null, 1, 50), Actor.System, default)).Total);
    }

    [Fact]
    public async Task Evidence_AttachedOnce_VisibleInView()
    {
        var rig = await Rig.CreateAsync(stores);
        var alert = await rig.Alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, 5_000_000, AlertSeverities.Medium), default);
        Assert.False(alert!.HasEvidence);
        Assert.True(await rig.Alerts.AttachEvidenceAsync("a-01", AlertKinds.NearFall, 5_000_000, "{\"rateHz\":25}", default));
        Assert.False(await rig.Alerts.AttachEvidenceAsync("a-01", AlertKinds.NearFall, 5_000_000, "{\"rateHz\":26}", default));
        Assert.False(await rig.Alerts.AttachEvidenceAsync("a-01", AlertKinds.Fall, 5_000_000, "{}", default));
        var (found, json) = await rig.Alerts.GetEvidenceAsync(alert.Id, rig.CaregiverA, default);
        Assert.True(found);
        Assert.Equal("{\"rateHz\":25}", json);
        Assert.True((await rig.Alerts.GetAsync(alert.Id, rig.CaregiverA, default))!.HasEvidence);
    }

    [Fact]
    public async Task Registry_AssignedWearable_CredentialsVerifyAndReassignmentRevokesOld()
    {
        var rig = await Rig.CreateAsync(stores);
        var first = await rig.Admin.AssignAsync("a-02", (await rig.Admin.GetResidentAsync(rig.ResidentA, default))!, "test", default);
        Assert.True(rig.Registry.VerifyCredentials("a-02", first.Password));
        Assert.False(rig.Registry.VerifyCredentials("a-02", first.Password + "x"));
        Assert.False(rig.Registry.VerifyCredentials("a-03", first.Password));
        Assert.True(rig.Registry.IsAdmitted("a-02"));
        Assert.False(rig.Registry.IsAdmitted("stray-01"));

        var second = await rig.Admin.AssignAsync("a-02", (await rig.Admin.GetResidentAsync(rig.ResidentB, default))!, "test", default);
        Assert.False(rig.Registry.VerifyCredentials("a-02", first.Password));
        Assert.True(rig.Registry.VerifyCredentials("a-02", second.Password));
        Assert.Equal(rig.FacilityB, rig.Registry.FacilityOf("a-02"));
        var history = await rig.Admin.AssignmentsAsync("a-02", default);
        Assert.Equal(2, history.Count);
        Assert.NotNull(history[1].To);
        Assert.Null(history[0].To);
    }

    [Fact]
    public async Task SignIn_RepeatedFailures_LockedThenUnlockedAfterDuration()
    {
        var rig = await Rig.CreateAsync(stores);
        await rig.Access.CreateUserAsync("carer", "correct-horse", Roles.Caregiver, rig.FacilityA, default);
        Assert.Equal(SignInStatus.Success, (await rig.Access.SignInAsync("carer", "correct-horse", default)).Status);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(SignInStatus.Invalid, (await rig.Access.SignInAsync("carer", "wrong", default)).Status);
        }

        Assert.Equal(SignInStatus.LockedOut, (await rig.Access.SignInAsync("carer", "correct-horse", default)).Status);
        rig.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(SignInStatus.Success, (await rig.Access.SignInAsync("carer", "correct-horse", default)).Status);
        Assert.Equal(SignInStatus.Invalid, (await rig.Access.SignInAsync("nobody", "correct-horse", default)).Status);
    }

    [Fact]
    public async Task ApiKey_OnlyItsHashIsKept_AndItFindsItsFacility()
    {
        var rig = await Rig.CreateAsync(stores);
        var (entity, key) = await rig.Access.CreateApiKeyAsync(rig.FacilityA, "nurse call", "admin", default);
        Assert.StartsWith("smk_", key, StringComparison.Ordinal);
        Assert.DoesNotContain(key, entity.KeyHash, StringComparison.Ordinal);
        Assert.Equal(rig.FacilityA, (await rig.Access.FindApiKeyAsync(key, default))!.FacilityId);
        Assert.Null(await rig.Access.FindApiKeyAsync(key[..^1] + (key[^1] == 'A' ? 'B' : 'A'), default));
    }

    private sealed class Rig
    {
        public required CareDbFactory Db { get; init; }

        public required FakeTimeProvider Time { get; init; }

        public required AlertService Alerts { get; init; }

        public required AlertFeed Feed { get; init; }

        public required AccessService Access { get; init; }

        public required CareAdmin Admin { get; init; }

        public required StoreDeviceRegistry Registry { get; init; }

        public Guid FacilityA { get; private set; }

        public Guid FacilityB { get; private set; }

        public Guid ResidentA { get; private set; }

        public Guid ResidentB { get; private set; }

        public Actor CaregiverA => new("carer-a", Roles.Caregiver, FacilityA);

        public Actor CaregiverB => new("carer-b", Roles.Caregiver, FacilityB);

        public static async Task<Rig> CreateAsync(TStores stores, AlertingOptions? options = null, ILogger<AlertService>? logger = null)
        {
            var db = await stores.CreateAsync();
            var time = new FakeTimeProvider(s_start);
            var registry = new StoreDeviceRegistry(db, Options.Create(new DeviceRegistryOptions()));
            var feed = new AlertFeed();
            var rig = new Rig
            {
                Db = db,
                Time = time,
                Feed = feed,
                Alerts = new AlertService(db, time, new DeliveryWakeup(), feed, Options.Create(options ?? new AlertingOptions()), logger ?? NullLogger<AlertService>.Instance),
                Access = new AccessService(db, time, Options.Create(new AccessOptions()), NullLogger<AccessService>.Instance),
                Admin = new CareAdmin(db, registry, time),
                Registry = registry,
            };
            var a = await rig.Admin.CreateFacilityAsync("A", default);
            var b = await rig.Admin.CreateFacilityAsync("B", default);
            rig.FacilityA = a!.Id;
            rig.FacilityB = b!.Id;
            var ra = await rig.Admin.CreateResidentAsync(a.Id, "Ann", "1", null, default);
            var rb = await rig.Admin.CreateResidentAsync(b.Id, "Bob", "2", null, default);
            rig.ResidentA = ra.Id;
            rig.ResidentB = rb.Id;
            await rig.Admin.AssignAsync("a-01", ra, "test", default);
            await rig.Admin.CreateWebhookAsync(a.Id, "http://127.0.0.1:9/hook", "0123456789abcdef", WebhookEvents.All, default);
            return rig;
        }
    }
}

public sealed class SqliteAlertServiceTests(SqliteStores stores) : AlertServiceTests<SqliteStores>(stores);

public sealed class PostgresAlertServiceTests(PostgresStores stores) : AlertServiceTests<PostgresStores>(stores);

/// <summary>Notes each log entry's event name into a list shared with the test's other observations.</summary>
internal sealed class OrderLogger(List<string> order) : ILogger<AlertService>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (order)
        {
            order.Add("logged " + eventId.Name);
        }
    }
}
