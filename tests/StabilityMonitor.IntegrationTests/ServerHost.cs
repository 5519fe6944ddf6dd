using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Server;

namespace StabilityMonitor.IntegrationTests;

/// <summary>
/// The real server (same builder as Program.cs) started in-process with Kestrel on a free loopback port.
/// Errors logged by the server are collected so a test can assert there were none.
/// </summary>
internal sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServerHost(WebApplication app, LogCollector logs)
    {
        _app = app;
        Logs = logs;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient Http { get; }

    public LogCollector Logs { get; }

    public IServiceProvider Services => _app.Services;

    public IngestPipeline Pipeline => Services.GetRequiredService<IngestPipeline>();

    public MetricsRegistry Metrics => Services.GetRequiredService<MetricsRegistry>();

    /// <summary>Starts the server with <paramref name="settings"/> as configuration (<c>Section:Key</c> = value) and waits until /readyz answers 200.</summary>
    public static async Task<ServerHost> StartAsync(params (string Key, string Value)[] settings)
    {
        var args = new List<string> { "--urls=http://127.0.0.1:0", "--Server:SummaryInterval=00:00:00", "--Ward:Enabled=false", "--Mqtt:ReconnectDelayMin=00:00:00.100", "--Mqtt:ReconnectDelayMax=00:00:01", "--Mqtt:KeepAlive=00:00:05" };
        args.AddRange(settings.Select(static s => $"--{s.Key}={s.Value}"));
        var logs = new LogCollector();
        var app = StabilityServer.Build([.. args], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddProvider(logs);
        });
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var host = new ServerHost(app, logs);
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

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
