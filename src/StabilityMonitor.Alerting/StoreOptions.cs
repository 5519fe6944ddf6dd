using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Alerting;

/// <summary>The relational store (configuration section <c>Store</c>).</summary>
public sealed class StoreOptions
{
    public const string SectionName = "Store";

    /// <summary><c>sqlite</c> (the default: a file in the server's data folder) or <c>postgres</c>.</summary>
    [RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Store:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = StoreProviders.Sqlite;

    /// <summary>
    /// ADO.NET connection string. Empty with SQLite: <c>Data Source={Server:DataDirectory}/stability.db</c>.
    /// Required with PostgreSQL (e.g. <c>Host=db;Database=stability;Username=stability;Password=...</c>).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations at start. Default true; turn off where migrations are run by a release step.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
