using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Influx;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Server;

namespace StabilityMonitor.IntegrationTests;

/// <summary>
/// The real server (same builder as Program.cs) started in-process with Kestrel on a free loopback port.
/// Errors logged by the server are collected so a test can assert there were none. Each server gets its own store
/// journal in a temp dir (deleted on dispose) unless the settings name one.
/// </summary>
internal sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory? _journal;
    private bool _stopped;

    private ServerHost(WebApplication app, LogCollector logs, TempDirectory? journal)
    {
        _app = app;
        _journal = journal;
        Logs = logs;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient Http { get; }

    public LogCollector Logs { get; }

    public IServiceProvider Services => _app.Services;

    public IngestPipeline Pipeline => Services.GetRequiredService<IngestPipeline>();

    public MetricsRegistry Metrics => Services.GetRequiredService<MetricsRegistry>();

    public MetricStoreBridge StoreBridge => Services.GetRequiredService<MetricStoreBridge>();

    public IMetricStore Store => Services.GetRequiredService<IMetricStore>();

    public IStoreMetrics StoreMetrics => Services.GetRequiredService<IStoreMetrics>();

    /// <summary>Starts the server with <paramref name="settings"/> as configuration (<c>Section:Key</c> = value) and waits until /readyz answers 200.</summary>
    public static Task<ServerHost> StartAsync(params (string Key, string Value)[] settings) => StartAsync(null, settings);

    /// <summary>As <see cref="StartAsync((string Key, string Value)[])"/>; <paramref name="configure"/> may replace services (after the server's own registrations).</summary>
    public static async Task<ServerHost> StartAsync(Action<WebApplicationBuilder>? configure, params (string Key, string Value)[] settings)
    {
        var args = new List<string> { "--urls=http://127.0.0.1:0", "--Server:SummaryInterval=00:00:00", "--Ward:Enabled=false", "--Mqtt:ReconnectDelayMin=00:00:00.100", "--Mqtt:ReconnectDelayMax=00:00:01", "--Mqtt:KeepAlive=00:00:05" };
        args.AddRange(settings.Select(static s => $"--{s.Key}={s.Value}"));
        var journal = settings.Any(static s => s.Key == "Influx:JournalDirectory") ? null : new TempDirectory("sm-journal-");
        if (journal is not null)
        {
            args.Add($"--Influx:JournalDirectory={journal.Path}");
        }

        var logs = new LogCollector();
        var app = StabilityServer.Build([.. args], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddProvider(logs);
            configure?.Invoke(builder);
        });
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var host = new ServerHost(app, logs, journal);
        await host.WaitReadyAsync(TimeSpan.FromSeconds(30));
        return host;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"/readyz not 200 within {timeout}; logs:\n{Logs.Dump()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Stops the host (pipeline drained, queued points journaled); the services stay readable until dispose.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _app.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
        _journal?.Dispose();
    }

    public static int FreePort() => TestServers.FreePort.Next();
}
