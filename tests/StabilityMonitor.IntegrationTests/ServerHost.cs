using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
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
    private readonly TempDirectory? _data;
    private bool _stopped;

    private ServerHost(WebApplication app, LogCollector logs, TempDirectory? journal, TempDirectory? data)
    {
        _app = app;
        _journal = journal;
        _data = data;
        Logs = logs;
        BaseAddress = new Uri(app.Urls.First());
        Http = Client();
    }

    /// <summary>The global admin's password every test server is started with (unless the settings name another).</summary>
    public const string AdminPassword = "test-admin-password";

    public Uri BaseAddress { get; }

    /// <summary>A client signed in as the global admin (see <see cref="SignInAsync"/>) once the server is ready.</summary>
    public HttpClient Http { get; }

    /// <summary>A new client with its own cookie jar, signed in as nobody.</summary>
    public HttpClient Client() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Signs <paramref name="client"/> in; throws unless the server answers 200.</summary>
    public static async Task SignInAsync(HttpClient client, string user, string password)
    {
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { user, password });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Sign-in of {user} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

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

        var data = settings.Any(static s => s.Key == "Server:DataDirectory") ? null : new TempDirectory("sm-data-");
        if (data is not null)
        {
            args.Add($"--Server:DataDirectory={data.Path}");
        }

        // Most tests publish from wearables nobody registered (as a deployment with its own broker accounts may).
        if (!settings.Any(static s => s.Key == "Devices:AdmitUnregistered"))
        {
            args.Add("--Devices:AdmitUnregistered=true");
        }

        if (!settings.Any(static s => s.Key == "Auth:AdminPassword"))
        {
            args.Add($"--Auth:AdminPassword={AdminPassword}");
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
        var host = new ServerHost(app, logs, journal, data);
        await host.WaitReadyAsync(TimeSpan.FromSeconds(30));
        var admin = settings.FirstOrDefault(static s => s.Key == "Auth:AdminPassword").Value ?? AdminPassword;
        await SignInAsync(host.Http, "admin", admin);
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
        _data?.Dispose();
    }

    public static int FreePort() => TestServers.FreePort.Next();
}
