using Microsoft.EntityFrameworkCore;

namespace StabilityMonitor.Alerting.Data;

/// <summary>The store on PostgreSQL (production), with its own migrations (Data/Migrations/Postgres).</summary>
public sealed class PostgresCareDbContext : CareDbContext
{
    public PostgresCareDbContext(DbContextOptions<PostgresCareDbContext> options)
        : base(options)
    {
    }
}
