using Microsoft.EntityFrameworkCore;

namespace StabilityMonitor.Alerting.Data;

/// <summary>
/// The relational store: facilities, residents, wearables and their assignments, users, API keys, webhooks, alerts,
/// their audit trail and the webhook outbox. One model, two providers (<see cref="SqliteCareDbContext"/>,
/// <see cref="PostgresCareDbContext"/>), each with its own migrations.
/// </summary>
public abstract class CareDbContext : DbContext
{
    protected CareDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Facility> Facilities => Set<Facility>();

    public DbSet<Resident> Residents => Set<Resident>();

    public DbSet<Wearable> Wearables => Set<Wearable>();

    public DbSet<WearableAssignment> WearableAssignments => Set<WearableAssignment>();

    public DbSet<User> Users => Set<User>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<Webhook> Webhooks => Set<Webhook>();

    public DbSet<Alert> Alerts => Set<Alert>();

    public DbSet<AlertAudit> AlertAudits => Set<AlertAudit>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<BalanceTestSession> BalanceTestSessions => Set<BalanceTestSession>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<Facility>(e =>
        {
            e.ToTable("facilities");
            e.Property(x => x.Name).HasMaxLength(200);
            e.HasIndex(x => x.Name).IsUnique();
        });
        modelBuilder.Entity<Resident>(e =>
        {
            e.ToTable("residents");
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Room).HasMaxLength(50);
            e.Property(x => x.Notes).HasMaxLength(4000);
            e.HasOne<Facility>().WithMany().HasForeignKey(x => x.FacilityId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.FacilityId);
        });
        modelBuilder.Entity<Wearable>(e =>
        {
            e.ToTable("wearables");
            e.HasKey(x => x.DeviceId);
            e.Property(x => x.DeviceId).HasMaxLength(64);
            e.Property(x => x.CredentialHash).HasMaxLength(64);
            e.HasOne<Resident>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(x => x.FacilityId);
        });
        modelBuilder.Entity<WearableAssignment>(e =>
        {
            e.ToTable("wearable_assignments");
            e.Property(x => x.DeviceId).HasMaxLength(64);
            e.Property(x => x.AssignedBy).HasMaxLength(200);
            e.HasIndex(x => new { x.DeviceId, x.From });
            e.HasIndex(x => x.ResidentId);
        });
        modelBuilder.Entity<User>(e =>
        {
            e.ToTable("users");
            e.Property(x => x.UserName).HasMaxLength(100);
            e.Property(x => x.Role).HasMaxLength(32);
            e.Property(x => x.PasswordHash).HasMaxLength(200);
            e.HasIndex(x => x.UserName).IsUnique();
            e.HasOne<Facility>().WithMany().HasForeignKey(x => x.FacilityId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.Property(x => x.KeyHash).HasMaxLength(64);
            e.Property(x => x.Prefix).HasMaxLength(16);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.CreatedBy).HasMaxLength(200);
            e.HasIndex(x => x.KeyHash).IsUnique();
            e.HasOne<Facility>().WithMany().HasForeignKey(x => x.FacilityId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<Webhook>(e =>
        {
            e.ToTable("webhooks");
            e.Property(x => x.Url).HasMaxLength(2000);
            e.Property(x => x.Secret).HasMaxLength(200);
            e.Property(x => x.Events).HasMaxLength(500);
            e.HasOne<Facility>().WithMany().HasForeignKey(x => x.FacilityId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.FacilityId);
        });
        modelBuilder.Entity<Alert>(e =>
        {
            e.ToTable("alerts");
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.DeviceId).HasMaxLength(64);
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.State).HasMaxLength(16);
            e.Property(x => x.Severity).HasMaxLength(16);
            e.Property(x => x.AcknowledgedBy).HasMaxLength(200);
            e.Property(x => x.AcknowledgeNote).HasMaxLength(2000);
            e.Property(x => x.ResolvedBy).HasMaxLength(200);
            e.Property(x => x.Outcome).HasMaxLength(32);
            e.Property(x => x.ResolveNote).HasMaxLength(2000);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.FacilityId, x.RaisedAt });
            e.HasIndex(x => new { x.State, x.EscalateAt });
            e.HasIndex(x => x.DeviceId);
        });
        modelBuilder.Entity<AlertAudit>(e =>
        {
            e.ToTable("alert_audit");
            e.Property(x => x.AlertId).HasMaxLength(40);
            e.Property(x => x.Actor).HasMaxLength(200);
            e.Property(x => x.Action).HasMaxLength(32);
            e.Property(x => x.FromState).HasMaxLength(16);
            e.Property(x => x.ToState).HasMaxLength(16);
            e.Property(x => x.Note).HasMaxLength(2000);
            e.HasOne<Alert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.AlertId, x.At });
        });
        modelBuilder.Entity<WebhookDelivery>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.Property(x => x.AlertId).HasMaxLength(40);
            e.Property(x => x.Event).HasMaxLength(64);
            e.Property(x => x.State).HasMaxLength(16);
            e.Property(x => x.LastError).HasMaxLength(1000);
            e.HasOne<Webhook>().WithMany().HasForeignKey(x => x.WebhookId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.State, x.NextAttemptAt });
            e.HasIndex(x => x.AlertId);
        });
        modelBuilder.ApplyConfiguration(new BalanceTestSessionConfiguration());
    }
}
