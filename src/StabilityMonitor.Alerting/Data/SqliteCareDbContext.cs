using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace StabilityMonitor.Alerting.Data;

/// <summary>The store on SQLite (the embedded default), with its own migrations (Data/Migrations/Sqlite).</summary>
public sealed class SqliteCareDbContext : CareDbContext
{
    public SqliteCareDbContext(DbContextOptions<SqliteCareDbContext> options)
        : base(options)
    {
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // SQLite has no date type: as text, DateTimeOffset cannot be compared or ordered in SQL; as a number it can.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
