using StabilityMonitor.Alerting.Webhooks;

namespace StabilityMonitor.Alerting.Tests.Webhooks;

public sealed class WebhookBackoffTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly WebhookOptions Options = new();

    [Theory]
    [InlineData(0, 5)]
    [InlineData(5, 5)]
    [InlineData(10, 10)]
    [InlineData(80, 80)]
    [InlineData(3600, 600)]
    public void NextAttempt_NoJitter_WaitsAboutTheAgeWithinMinAndMax(double ageSeconds, double expectedDelaySeconds)
    {
        var now = Created.AddSeconds(ageSeconds);
        Assert.Equal(now.AddSeconds(expectedDelaySeconds), WebhookBackoff.NextAttempt(now, Created, null, Options, random: 0));
    }

    [Fact]
    public void NextAttempt_FullJitter_TakesAQuarterOff()
    {
        Assert.Equal(Created.AddSeconds(60 + 45), WebhookBackoff.NextAttempt(Created.AddSeconds(60), Created, null, Options, random: 1));
    }

    [Fact]
    public void NextAttempt_RetryAfterLonger_HonouredUpToMaxBackoff()
    {
        Assert.Equal(Created.AddSeconds(120), WebhookBackoff.NextAttempt(Created, Created, TimeSpan.FromSeconds(120), Options, random: 0));
        Assert.Equal(Created.AddMinutes(10), WebhookBackoff.NextAttempt(Created, Created, TimeSpan.FromHours(2), Options, random: 0));
    }

    [Fact]
    public void NextAttempt_NearGiveUp_NotLaterThanGiveUpTime()
    {
        var now = Created + Options.GiveUpAfter - TimeSpan.FromMinutes(1);
        Assert.Equal(Created + Options.GiveUpAfter, WebhookBackoff.NextAttempt(now, Created, null, Options, random: 0));
    }
}
