using StabilityMonitor.Alerting.Data;

namespace StabilityMonitor.Alerting.Tests;

/// <summary>One suite, two providers: each test class derives twice (SQLite file in a temp dir, real PostgreSQL).</summary>
public interface IStoreFactorySource
{
    /// <summary>A migrated, empty store of this provider.</summary>
    Task<CareDbFactory> CreateAsync();
}

/// <summary>A fresh SQLite file per store.</summary>
public sealed class SqliteStores : IStoreFactorySource, IDisposable
{
    private readonly TempDirectory _dir = new("sm-sqlite-");
    private int _count;

    public async Task<CareDbFactory> CreateAsync()
    {
        var factory = new CareDbFactory(StoreProviders.Sqlite, $"Data Source={_dir.Sub($"care-{Interlocked.Increment(ref _count)}.db")}");
        await factory.MigrateAsync(CancellationToken.None);
        return factory;
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>A fresh database per store on one private PostgreSQL server per test class.</summary>
public sealed class PostgresStores : IStoreFactorySource, IDisposable
{
    private readonly Lazy<PostgresServer> _server = new(static () => new PostgresServer());

    public async Task<CareDbFactory> CreateAsync()
    {
        var factory = new CareDbFactory(StoreProviders.Postgres, _server.Value.CreateDatabase());
        await factory.MigrateAsync(CancellationToken.None);
        return factory;
    }

    public void Dispose()
    {
        if (_server.IsValueCreated)
        {
            _server.Value.Dispose();
        }
    }
}
