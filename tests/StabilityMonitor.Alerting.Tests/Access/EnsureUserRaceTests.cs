using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Data;

namespace StabilityMonitor.Alerting.Tests.Access;

/// <summary>
/// Servers sharing one store start together (the nodes of a cluster) and each makes sure the global admin exists: the
/// one that loses the race to insert it must update it instead of failing its start (found by scripts/cluster-load.sh).
/// </summary>
public sealed class EnsureUserRaceTests(PostgresStores stores) : IClassFixture<PostgresStores>
{
    [Fact]
    public async Task ServersStartingTogether_EachEnsuresTheAdmin_AllSucceedAndOneUserExists()
    {
        var db = await stores.CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));

        // Several rounds: each round's servers read "no such user" at about the same time, so some insert together.
        for (var round = 0; round < 5; round++)
        {
            var name = $"admin-{round}";
            var servers = Enumerable.Range(0, 6).Select(_ => new AccessService(db, time, Options.Create(new AccessOptions()), NullLogger<AccessService>.Instance)).ToArray();
            using var start = new Barrier(servers.Length);
            var ensured = await Task.WhenAll(servers.Select(server => Task.Run(async () =>
            {
                start.SignalAndWait();
                return await server.EnsureUserAsync(name, "correct-horse-battery", Roles.Admin, null, CancellationToken.None);
            })));

            await using var context = db.Create();
            var user = await context.Users.SingleAsync(u => u.UserName == name);
            Assert.All(ensured, u => Assert.Equal(user.Id, u.Id));
            Assert.Equal(Roles.Admin, user.Role);
        }
    }
}
