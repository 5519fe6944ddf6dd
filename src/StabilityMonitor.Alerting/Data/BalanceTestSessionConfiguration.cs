using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StabilityMonitor.Alerting.Data;

/// <summary>Table <c>balance_test_sessions</c>; kept apart from <see cref="CareDbContext"/>'s own model so the balance feature stays additive.</summary>
internal sealed class BalanceTestSessionConfiguration : IEntityTypeConfiguration<BalanceTestSession>
{
    public void Configure(EntityTypeBuilder<BalanceTestSession> builder)
    {
        builder.ToTable("balance_test_sessions");
        builder.Property(x => x.DeviceId).HasMaxLength(64);
        builder.Property(x => x.Test).HasMaxLength(32);
        builder.Property(x => x.Condition).HasMaxLength(100);
        builder.Property(x => x.Mode).HasMaxLength(16);
        builder.Property(x => x.StartedBy).HasMaxLength(200);
        builder.Property(x => x.State).HasMaxLength(16);
        builder.Property(x => x.ResultJson).HasMaxLength(8000);
        builder.Property(x => x.Error).HasMaxLength(1000);
        builder.HasOne<Resident>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(x => new { x.ResidentId, x.StartedAt });
        builder.HasIndex(x => x.State);
    }
}
