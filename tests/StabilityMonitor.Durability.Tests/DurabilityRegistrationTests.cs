using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Durability.Tests;

public sealed class DurabilityRegistrationTests : IDisposable
{
    private readonly TempDirectory _dir = new("sm-durable-di-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AddDurability_RegistersFrameLogCheckpointStoreAndReadiness()
    {
        using ServiceProvider provider = Build(("Durability:Directory", _dir.Path), ("Durability:SegmentBytes", "1048576"), ("Durability:MaxBytes", "8388608"));
        var options = provider.GetRequiredService<IOptions<DurabilityOptions>>().Value;
        Assert.True(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(1), options.FsyncInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryInterval);

        IFrameLog log = provider.GetRequiredService<IFrameLog>();
        Assert.Same(log, provider.GetRequiredService<IFrameLog>());
        Assert.Equal(8L << 20, log.Status.MaxBytes);
        ICheckpointStore checkpoints = provider.GetRequiredService<ICheckpointStore>();
        checkpoints.Save([1, 2], 5, DateTimeOffset.UnixEpoch);
        Assert.True(File.Exists(Path.Combine(_dir.Path, FileCheckpointStore.FileName)));
        Assert.NotEmpty(Directory.GetFiles(_dir.Path, "*.wal"));

        HealthReport report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(static r => r.Tags.Contains("ready"));
        Assert.Equal(HealthStatus.Healthy, report.Entries[DurabilityServiceCollectionExtensions.HealthCheckName].Status);
    }

    [Fact]
    public void AddDurability_Disabled_RegistersNeither()
    {
        using ServiceProvider provider = Build(("Durability:Enabled", "false"));
        Assert.Null(provider.GetService<IFrameLog>());
        Assert.Null(provider.GetService<ICheckpointStore>());
    }

    [Theory]
    [InlineData(null, null, "Directory")]
    [InlineData("16777216", "8388608", "MaxBytes")]
    [InlineData("1024", null, "SegmentBytes")]
    public void Options_Invalid_FailValidation(string? segmentBytes, string? maxBytes, string member)
    {
        var settings = new List<(string, string?)>();
        if (member != "Directory")
        {
            settings.Add(("Durability:Directory", _dir.Path));
        }

        settings.Add(("Durability:SegmentBytes", segmentBytes));
        settings.Add(("Durability:MaxBytes", maxBytes));
        using ServiceProvider provider = Build([.. settings]);
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DurabilityOptions>>().Value);
        Assert.Contains(member, ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(params (string Key, string? Value)[] settings)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Where(static s => s.Value is not null).Select(static s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDurability(configuration);
        return services.BuildServiceProvider();
    }
}
