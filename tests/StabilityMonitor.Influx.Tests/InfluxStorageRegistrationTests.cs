using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Influx.Tests;

public sealed class InfluxStorageRegistrationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Options_BindFromSection_ApiVersionCaseInsensitive()
    {
        using IHost host = Build(new()
        {
            ["Influx:Url"] = "http://influx:8086",
            ["Influx:ApiVersion"] = "v1",
            ["Influx:Database"] = "db1",
            ["Influx:RetentionPolicy"] = "rp1",
            ["Influx:Username"] = "u",
            ["Influx:Password"] = "p",
            ["Influx:BatchSize"] = "250",
            ["Influx:FlushInterval"] = "00:00:02",
            ["Influx:JournalMaxBytes"] = "1073741824",
        });
        InfluxOptions options = host.Services.GetRequiredService<IOptions<InfluxOptions>>().Value;
        Assert.Equal(InfluxApiVersion.V1, options.ApiVersion);
        Assert.Equal("db1", options.Database);
        Assert.Equal("rp1", options.RetentionPolicy);
        Assert.Equal(250, options.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(2), options.FlushInterval);
        Assert.Equal(1L << 30, options.JournalMaxBytes);
    }

    [Theory]
    [InlineData("Influx:Url", "not a url", "Url")]
    [InlineData("Influx:Url", "ftp://x", "Url")]
    [InlineData("Influx:BatchSize", "200000", "BatchSize")]
    [InlineData("Influx:JournalMaxBytes", "1048576", "JournalMaxBytes")]
    [InlineData("Influx:Org", "", "Org")]
    [InlineData("Influx:RetryMaxDelay", "00:00:00.020", "RetryMaxDelay")]
    public async Task Options_InvalidValues_FailOnStart(string key, string value, string member)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Influx:Url"] = "http://influx:8086",
            ["Influx:Org"] = "org",
            [key] = value,
        };
        using IHost host = Build(settings);
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(member, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoUrl_StoreRunsOnJournal_HealthDegraded_MetricsExposed()
    {
        using IHost host = Build(new());
        await host.StartAsync();
        IMetricStore store = host.Services.GetRequiredService<IMetricStore>();
        using var reading = new MeterReading(((StoreTelemetry)host.Services.GetRequiredService<IStoreMetrics>()).Meter);
        var e = new StabilityEvent(1_700_000_000_000_000, EventKind.Fall, 3, 1f, 3f, 60f, 500f, 70f, 1_700_000_001_000_000);
        await store.AppendEventAsync("north-wing", "dev-1", in e);
        Assert.Equal(1, store.BacklogPoints);
        Assert.False(host.Services.GetRequiredService<IMetricHistory>().IsAvailable);
        Assert.Empty(await host.Services.GetRequiredService<IMetricHistory>().GetRecentEventsAsync("north-wing", DateTimeOffset.UnixEpoch, 10));

        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(static c => c.Tags.Contains("ready"));
        Assert.Equal(HealthStatus.Degraded, report.Entries[InfluxStorageExtensions.HealthCheckName].Status);

        Assert.Equal(1, reading.Value("stability_store_backlog_points"));
        Assert.Equal(1, reading.Value("stability_store_points_appended_total"));
        Assert.Equal(0, reading.Value("stability_store_points_written_total"));
        Assert.Equal("ObservableCounter`1", reading.Instruments["stability_store_write_errors_total"]);
        await host.StopAsync();
        Assert.True(Directory.GetFiles(Path.Combine(_dir.Path, "journal"), "*.wal").Length > 0);
    }

    private IHost Build(Dictionary<string, string?> settings)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = _dir.Path,
            DisableDefaults = true,
        });
        settings.TryAdd("Influx:JournalDirectory", "journal");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddHealthChecks();
        builder.AddInfluxStorage();
        return builder.Build();
    }
}
