using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Alerting.Tests.Webhooks;

/// <summary>
/// A webhook endpoint on a real Kestrel on a loopback port, recording every request. It can stall the first requests
/// (never answer), then fail the next ones with a status, then answer 200. Stopped and started again on the same port
/// it plays a receiver that was down.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private WebApplication? _app;
    private int _count;

    public WebhookReceiver()
    {
        Port = FreePort.Next();
    }

    public int Port { get; }

    public string Url => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/hook");

    /// <summary>The first this many requests get no answer until the client gives up.</summary>
    public int StallFirst { get; set; }

    /// <summary>The next this many requests are answered <see cref="FailStatus"/>.</summary>
    public int FailFirst { get; set; }

    public int FailStatus { get; set; } = 500;

    /// <summary>Time taken before answering, so that concurrent senders overlap.</summary>
    public TimeSpan AnswerDelay { get; set; }

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests.OrderBy(static r => r.Number)];

    public static async Task<WebhookReceiver> StartNewAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        return receiver;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, Port));
        builder.Services.Configure<HostOptions>(static o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        app.MapPost("/hook", HandleAsync);
        app.MapGet("/ready", static () => "ok");
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _app = app;

        // One request through Kestrel and routing first (not recorded): a cold first request on a busy machine
        // can take longer than the short timeouts the tests give the dispatcher.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var ready = await client.GetAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/ready")));
        ready.EnsureSuccessStatusCode();
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task HandleAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _count);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(static h => h.Key, static h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var status = number <= StallFirst ? 0 : number <= StallFirst + FailFirst ? FailStatus : 200;
        _requests.Enqueue(new ReceivedRequest(number, headers, body.ToArray(), status));
        if (status == 0)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The sender gave up: the point of the stall.
            }

            return;
        }

        if (AnswerDelay > TimeSpan.Zero)
        {
            await Task.Delay(AnswerDelay, context.RequestAborted);
        }

        context.Response.StatusCode = status;
    }
}
