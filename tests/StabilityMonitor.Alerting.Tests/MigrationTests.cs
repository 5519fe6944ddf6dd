using Microsoft.EntityFrameworkCore;
using StabilityMonitor.Alerting.Data;

namespace StabilityMonitor.Alerting.Tests;

public abstract class MigrationTests<TStores>(TStores stores) : IClassFixture<TStores>
    where TStores : class, IStoreFactorySource
{
    [Fact]
    public async Task Migrate_EmptyDatabase_CreatesSchemaThatRoundTripsAnAlert()
    {
        var factory = await stores.CreateAsync();
        var now = new DateTimeOffset(2026, 12, 5, 7, 0, 0, TimeSpan.Zero);
        await using (var db = factory.Create())
        {
            var facility = new Facility { Id = Guid.NewGuid(), Name = "A", CreatedAt = now };
            db.Facilities.Add(facility);
            db.Alerts.Add(new Alert { Id = "al_1", DeviceId = "d1", FacilityId = facility.Id, Kind = AlertKinds.Fall, State = AlertStates.Open, Severity = "high", RaisedAt = now, EscalateAt = now.AddMinutes(2) });
            db.Alerts.Add(new Alert { Id = "al_2", DeviceId = "d1", FacilityId = facility.Id, Kind = AlertKinds.Fall, State = AlertStates.Open, Severity = "high", RaisedAt = now.AddSeconds(1), EscalateAt = now.AddMinutes(20) });
            await db.SaveChangesAsync();
        }

        await using (var db = factory.Create())
        {
            // Times compare and order in SQL on both providers (SQLite stores them as numbers).
            var due = await db.Alerts.Where(a => a.EscalateAt <= now.AddMinutes(5)).OrderByDescending(a => a.RaisedAt).Select(a => a.Id).ToListAsync();
            Assert.Equal(["al_1"], due);
            Assert.Equal(now, (await db.Alerts.SingleAsync(a => a.Id == "al_1")).RaisedAt);
        }

        // A second migration run is a no-op.
        await factory.MigrateAsync(CancellationToken.None);
    }
}

public sealed class SqliteMigrationTests(SqliteStores stores) : MigrationTests<SqliteStores>(stores);

public sealed class PostgresMigrationTests(PostgresStores stores) : MigrationTests<PostgresStores>(stores);
