using Microsoft.Extensions.Options;

namespace StabilityMonitor.IntegrationTests.Contract;

/// <summary>
/// Every options section is bound with <c>ValidateOnStart</c> (STYLE.md, "Configuration"): a server given a value out
/// of an option's documented range must refuse to start with an <see cref="OptionsValidationException"/> that names
/// the option, before it serves anything. One row per validated section; each value is one the property's setter
/// accepts, so it is the validator, not binding, that must catch it.
/// </summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Pipeline:MaxHeldFrames", "0", "MaxHeldFrames")]
    [InlineData("Pipeline:ResyncFrames", "1", "ResyncFrames")]
    [InlineData("Processor:SwayFilterOrder", "9", "SwayFilterOrder")]
    [InlineData("Processor:Detector:TriggerG", "0.5", "TriggerG")]
    [InlineData("Mqtt:KeepAlive", "00:00:00", "KeepAlive")]
    [InlineData("Influx:BatchSize", "200000", "BatchSize")]
    [InlineData("Alerts:FallEscalationAfter", "00:00:00", "FallEscalationAfter")]
    [InlineData("Auth:MaxFailedSignIns", "0", "MaxFailedSignIns")]
    [InlineData("Dashboard:GroupQueueCapacity", "0", "GroupQueueCapacity")]
    [InlineData("Durability:MaxBytes", "1024", "MaxBytes")]
    [InlineData("StoreBridge:EventQueueCapacity", "0", "EventQueueCapacity")]
    [InlineData("Ward:Devices", "0", "Devices")]
    [InlineData("Server:SummaryInterval", "2.00:00:00", "SummaryInterval")]
    [InlineData("Facilities:Default", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Default")]
    [InlineData("Webhooks:RetryCount", "9", "RetryCount")]
    [InlineData("Store:Provider", "postgres", "ConnectionString")]
    public async Task InvalidOption_ServerRefusesToStart_NamingTheOption(string key, string value, string named)
    {
        using var journal = new TempDirectory("sm-journal-");
        using var data = new TempDirectory("sm-data-");
        (string Key, string Value)[] settings =
        [
            ("Store:Provider", "sqlite"),
            .. Alerts.AccessApiTests<Alerts.SqliteStoreSettings>.EmbeddedBroker(),
            ("Influx:JournalDirectory", journal.Path),
            ("Server:DataDirectory", data.Path),
            (key, value),
        ];

        var thrown = await Record.ExceptionAsync(async () =>
        {
            var server = await ServerHost.StartAsync(settings);
            await server.DisposeAsync();
        });

        Assert.NotNull(thrown);
        var validation = Find(thrown);
        Assert.True(validation is not null, $"{key}={value}: expected an OptionsValidationException, got {thrown}");
        Assert.Contains(named, validation.Message, StringComparison.Ordinal);
    }

    private static OptionsValidationException? Find(Exception? e) => e switch
    {
        null => null,
        OptionsValidationException v => v,
        AggregateException a => a.InnerExceptions.Select(Find).FirstOrDefault(static v => v is not null),
        _ => Find(e.InnerException),
    };
}
