using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace StabilityMonitor.Alerting.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite context without the host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCareDbContext>
{
    public SqliteCareDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCareDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL context without a server (no connection is opened).</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCareDbContext>
{
    public PostgresCareDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCareDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
