using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Alerting.Devices;
using StabilityMonitor.Alerting.Webhooks;

namespace StabilityMonitor.Alerting.Tests.Documented;

/// <summary>
/// docs/alerts.md, "Alert lifecycle": "two caregivers acting at the same moment cannot both win (optimistic concurrency
/// on the row)". Two caregivers acknowledge the same alert at once, many times over: one wins each time, the other is
/// told it conflicts, and the audit holds one acknowledgement. SQLite only: the version check is EF Core's on either
/// provider, and a PostgreSQL variant would start a server of its own for this one test.
/// </summary>
public abstract class ConcurrentActionTests<TStores>(TStores stores) : IClassFixture<TStores>
    where TStores : class, IStoreFactorySource
{
    private const int Rounds = 3;

    [Fact]
    public async Task TwoCaregiversAcknowledgeAtOnce_OneWinsOneConflicts_OneAuditRow()
    {
        var db = await stores.CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
        var admin = new CareAdmin(db, new StoreDeviceRegistry(db, Options.Create(new DeviceRegistryOptions())), time);
        var alerts = new AlertService(db, time, new DeliveryWakeup(), new AlertFeed(), Options.Create(new AlertingOptions()), NullLogger<AlertService>.Instance);
        var facility = (await admin.CreateFacilityAsync("A", default))!;
        await admin.AssignAsync("a-01", await admin.CreateResidentAsync(facility.Id, "Ann", "1", null, default), "test", default);
        Actor[] carers = [new("carer-1", Roles.Caregiver, facility.Id), new("carer-2", Roles.Caregiver, facility.Id)];

        for (var round = 0; round < Rounds; round++)
        {
            var alert = (await alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, 1_000_000L * (round + 1), AlertSeverities.Medium), default))!;
            using var start = new Barrier(carers.Length);
            var results = await Task.WhenAll(carers.Select(carer => Task.Run(() =>
            {
                start.SignalAndWait();
                return alerts.AcknowledgeAsync(alert.Id, carer, "mine", default);
            })));

            var winner = Assert.Single(results, static r => r.Status == AlertActionStatus.Done);
            Assert.Single(results, static r => r.Status == AlertActionStatus.Conflict);
            await using var read = db.Create();
            Assert.Equal(1, await read.AlertAudits.CountAsync(a => a.AlertId == alert.Id && a.Action == "acknowledged"));
            Assert.Equal(winner.Alert!.AcknowledgedBy, (await read.Alerts.SingleAsync(a => a.Id == alert.Id)).AcknowledgedBy);
        }
    }
}

public sealed class SqliteConcurrentActionTests(SqliteStores stores) : ConcurrentActionTests<SqliteStores>(stores);
