namespace StabilityMonitor.IntegrationTests.Alerts;

/// <summary>Server settings naming the relational store: one suite runs on each provider.</summary>
public interface IStoreSettings
{
    /// <summary>Settings for a server on a new, empty store.</summary>
    (string Key, string Value)[] NewStore();
}

/// <summary>The default: SQLite in the server's (temp) data folder.</summary>
public sealed class SqliteStoreSettings : IStoreSettings
{
    public (string Key, string Value)[] NewStore() => [("Store:Provider", "sqlite")];
}

/// <summary>A new database per server on one private PostgreSQL per test class.</summary>
public sealed class PostgresStoreSettings : IStoreSettings, IDisposable
{
    private readonly Lazy<PostgresServer> _server = new(static () => new PostgresServer());

    public (string Key, string Value)[] NewStore() => [("Store:Provider", "postgres"), ("Store:ConnectionString", _server.Value.CreateDatabase())];

    public void Dispose()
    {
        if (_server.IsValueCreated)
        {
            _server.Value.Dispose();
        }
    }
}
