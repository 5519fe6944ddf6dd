using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace StabilityMonitor.Alerting.Data;

/// <summary>
/// Creates a context of the configured provider. Singletons (the alert writer, the webhook dispatcher, the
/// registry) make one per unit of work; options are built once.
/// </summary>
public sealed class CareDbFactory
{
    private readonly DbContextOptions<SqliteCareDbContext>? _sqlite;
    private readonly DbContextOptions<PostgresCareDbContext>? _postgres;

    public CareDbFactory(string provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        Provider = provider;
        ConnectionString = connectionString;
        switch (provider)
        {
            case StoreProviders.Sqlite:
                _sqlite = new DbContextOptionsBuilder<SqliteCareDbContext>().UseSqlite(connectionString).Options;
                break;
            case StoreProviders.Postgres:
                _postgres = new DbContextOptionsBuilder<PostgresCareDbContext>().UseNpgsql(connectionString).Options;
                break;
            default:
                throw new ArgumentException($"Unknown store provider '{provider}'.", nameof(provider));
        }
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    public CareDbContext Create() => _sqlite is not null ? new SqliteCareDbContext(_sqlite) : new PostgresCareDbContext(_postgres!);

    /// <summary>Creates the database if needed and applies pending migrations.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (_sqlite is not null)
        {
            var builder = new SqliteConnectionStringBuilder(ConnectionString);
            if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
            {
                var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
                if (!string.IsNullOrEmpty(folder))
                {
                    Directory.CreateDirectory(folder);
                }
            }
        }

        await using var db = Create();
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if (_sqlite is not null)
        {
            // WAL: readers (API) do not block the writer (alerts from the pipeline), and a commit is one fsync.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }
    }
}
