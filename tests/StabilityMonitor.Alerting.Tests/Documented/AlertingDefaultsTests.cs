using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Alerting.Webhooks;

namespace StabilityMonitor.Alerting.Tests.Documented;

/// <summary>
/// The defaults docs/alerts.md states for `Alerts`, `Auth`, `Store` and `Webhooks`: a default changed in code
/// without the docs (or the other way round) fails here.
/// </summary>
public sealed class AlertingDefaultsTests
{
    [Fact]
    public void Alerts_DefaultsAreTheDocumentedOnes()
    {
        var options = new AlertingOptions();

        Assert.Equal(TimeSpan.FromMinutes(2), options.FallEscalationAfter);
        Assert.Equal(TimeSpan.FromMinutes(15), options.NearFallEscalationAfter);
        Assert.Equal(TimeSpan.FromSeconds(8), options.NearFallLeadingToFallWithin);
        Assert.Equal(TimeSpan.FromSeconds(5), options.EscalationCheckInterval);
        Assert.Equal(TimeSpan.FromMinutes(5), options.DeviceOfflineAfter);
        Assert.Equal(0.15, options.BatteryLowThreshold);
        Assert.Equal(TimeSpan.FromHours(1), options.DeviceClockSkewAfter);
    }

    [Fact]
    public void Auth_AndStore_DefaultsAreTheDocumentedOnes()
    {
        var access = new AccessOptions();
        Assert.Equal(5, access.MaxFailedSignIns);
        Assert.Equal(TimeSpan.FromMinutes(5), access.LockoutDuration);
        Assert.Equal(TimeSpan.FromHours(12), access.SessionLifetime);

        var store = new StoreOptions();
        Assert.Equal("sqlite", store.Provider);
        Assert.True(store.MigrateOnStart);
    }

    [Fact]
    public void Webhooks_DefaultsAreTheDocumentedOnes()
    {
        var options = new WebhookOptions();

        Assert.Equal(TimeSpan.FromSeconds(2), options.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Equal(2, options.RetryCount);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), options.MinBackoff);
        Assert.Equal(TimeSpan.FromMinutes(10), options.MaxBackoff);
        Assert.Equal(TimeSpan.FromHours(24), options.GiveUpAfter);
        Assert.Equal(50, options.BatchSize);
        Assert.Equal(4, options.MaxParallelism);
    }
}
