namespace StabilityMonitor.Alerting;

/// <summary>Values of <see cref="StoreOptions.Provider"/>.</summary>
public static class StoreProviders
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
}
