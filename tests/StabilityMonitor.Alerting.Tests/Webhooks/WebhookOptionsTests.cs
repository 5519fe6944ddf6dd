using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Alerting.Webhooks;

namespace StabilityMonitor.Alerting.Tests.Webhooks;

public sealed class WebhookOptionsTests
{
    [Fact]
    public void Validator_Defaults_Pass()
    {
        Assert.True(new WebhookOptionsValidator().Validate(null, new WebhookOptions()).Succeeded);
    }

    [Fact]
    public void Validator_MaxBackoffBelowMinBackoff_Fails()
    {
        var options = new WebhookOptions { MinBackoff = TimeSpan.FromMinutes(2), MaxBackoff = TimeSpan.FromMinutes(1) };
        var result = new WebhookOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("MaxBackoff", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BatchSize", "5000")]
    [InlineData("RetryCount", "9")]
    [InlineData("Timeout", "00:00:00.010")]
    [InlineData("GiveUpAfter", "60.00:00:00")]
    public void AddWebhookDelivery_OutOfRange_FailsWhenOptionsAreRead(string key, string value)
    {
        using var services = Build(("Webhooks:" + key, value));
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<WebhookOptions>>().Value);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWebhookDelivery_Registered_HostedDispatcherAndNamedClient()
    {
        using var services = Build(("Webhooks:PollInterval", "00:00:05"));
        Assert.Equal(TimeSpan.FromSeconds(5), services.GetRequiredService<IOptions<WebhookOptions>>().Value.PollInterval);
        Assert.IsType<WebhookDispatcher>(Assert.Single(services.GetServices<IHostedService>()));
        Assert.Same(services.GetRequiredService<DeliveryWakeup>(), services.GetRequiredService<DeliveryWakeup>());
        using var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookDeliveryExtensions.HttpClientName);
        Assert.Equal(new WebhookOptions().TotalTimeout + TimeSpan.FromSeconds(5), client.Timeout);
    }

    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(static s => s.Key, static s => (string?)s.Value)).Build());
        services.AddLogging();
        services.AddSingleton(new CareDbFactory(StoreProviders.Sqlite, "Data Source=:memory:"));
        services.AddWebhookDelivery();
        return services.BuildServiceProvider();
    }
}
