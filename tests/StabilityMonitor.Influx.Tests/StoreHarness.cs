using Microsoft.Extensions.Logging;
using StabilityMonitor.Durability.Journal;
using StabilityMonitor.Influx.Writing;

namespace StabilityMonitor.Influx.Tests;

/// <summary>The store as the host wires it (journal, store, drain loop), without a host.</summary>
internal sealed class StoreHarness : IAsyncDisposable
{
    private readonly TestMeterFactory _meters = new();
    private bool _started;

    public StoreHarness(string directory, InfluxOptions options, ILoggerFactory logger, IPointWriter? writer = null, bool useFactoryWriter = true, long deadLetterMaxBytes = DeadLetterFile.DefaultMaxBytes)
    {
        Options = options;
        Journal = new WriteAheadJournal(
            directory, options.JournalMaxBytes, options.JournalSegmentBytes, options.JournalFsyncInterval, TimeProvider.System, logger.CreateLogger("journal"));
        Telemetry = new StoreTelemetry(_meters, Journal, TimeProvider.System);
        DeadLetters = new DeadLetterFile(Path.Combine(directory, "dead-letter.lp"), TimeProvider.System, deadLetterMaxBytes);
        Store = new InfluxMetricStore(Journal, Telemetry, Microsoft.Extensions.Options.Options.Create(options), new Microsoft.Extensions.Logging.Abstractions.NullLogger<InfluxMetricStore>());
        writer ??= useFactoryWriter ? PointWriterFactory.Create(options, logger) : null;
        Drainer = new JournalDrainService(
            Journal, writer, DeadLetters, Telemetry, options, TimeProvider.System, new Random(42), logger.CreateLogger("drain"));
    }

    public InfluxOptions Options { get; }

    public WriteAheadJournal Journal { get; }

    public StoreTelemetry Telemetry { get; }

    public DeadLetterFile DeadLetters { get; }

    public InfluxMetricStore Store { get; }

    public JournalDrainService Drainer { get; }

    /// <summary>The store's readiness as <c>/readyz</c> would report it.</summary>
    public Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> HealthAsync() =>
        new InfluxStoreHealthCheck(Journal, Telemetry, Microsoft.Extensions.Options.Options.Create(Options))
            .CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());

    public static InfluxOptions FastOptions(string url, InfluxApiVersion version = InfluxApiVersion.V1, string database = "stability") => new()
    {
        Url = url,
        ApiVersion = version,
        Database = database,
        Bucket = database,
        Org = "test-org",
        BatchSize = 1000,
        FlushInterval = TimeSpan.FromMilliseconds(50),
        RetryInitialDelay = TimeSpan.FromMilliseconds(50),
        RetryMaxDelay = TimeSpan.FromMilliseconds(400),
        RequestTimeout = TimeSpan.FromSeconds(5),
        JournalSegmentBytes = 1024 * 1024,
        JournalMaxBytes = 64L * 1024 * 1024,
    };

    public Task StartAsync()
    {
        _started = true;
        return Drainer.StartAsync(CancellationToken.None);
    }

    /// <summary>Polls until the journal is empty; false on timeout.</summary>
    public async Task<bool> WaitDrainedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Journal.BacklogPoints == 0)
            {
                return true;
            }

            await Task.Delay(20);
        }

        return Journal.BacklogPoints == 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Drainer.StopAsync(cts.Token);
        }

        Drainer.Dispose();
        Journal.Dispose();
        Telemetry.Dispose();
        _meters.Dispose();
    }
}
