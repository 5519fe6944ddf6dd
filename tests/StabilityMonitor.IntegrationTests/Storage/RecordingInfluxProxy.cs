using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StabilityMonitor.IntegrationTests.Storage;

/// <summary>
/// A Kestrel app on a free loopback port between the store and influxd. It forwards every request and counts the
/// line-protocol lines of each write by point identity (measurement, tag set, timestamp): InfluxDB keeps one point
/// per identity, so reading the database back cannot show a point sent twice, and this can.
/// <see cref="FaultStatus"/> makes it answer every write itself with that status instead (a misconfigured proxy).
/// Shared by the Influx and integration test projects (linked source).
/// </summary>
internal sealed class RecordingInfluxProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly ConcurrentDictionary<string, int> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _inDoubt = new(StringComparer.Ordinal);
    private int _faultStatus;
    private long _rejectedLines;
    private long _writeRequests;

    private RecordingInfluxProxy(WebApplication app, string upstreamUrl, int port)
    {
        _app = app;
        Port = port;
        Url = $"http://127.0.0.1:{port}";
        _upstream = new HttpClient { BaseAddress = new Uri(upstreamUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public string Url { get; }

    /// <summary>When not 0, every write is answered with this status (JSON error body) and not forwarded.</summary>
    public int FaultStatus
    {
        get => Volatile.Read(ref _faultStatus);
        set => Volatile.Write(ref _faultStatus, value);
    }

    /// <summary>Lines the proxy answered with <see cref="FaultStatus"/> (never reached influxd).</summary>
    public long RejectedLines => Interlocked.Read(ref _rejectedLines);

    /// <summary>Write requests received (forwarded or not).</summary>
    public long WriteRequests => Interlocked.Read(ref _writeRequests);

    /// <summary>Per point identity, how many times influxd acknowledged it (2xx).</summary>
    public IReadOnlyDictionary<string, int> Acknowledged => new Dictionary<string, int>(_acknowledged, StringComparer.Ordinal);

    /// <summary>
    /// Per point identity, how many times it was forwarded in a request that got no answer (influxd killed or stopped
    /// meanwhile): influxd may or may not have stored it, so the store rightly sends it again.
    /// </summary>
    public IReadOnlyDictionary<string, int> InDoubt => new Dictionary<string, int>(_inDoubt, StringComparer.Ordinal);

    /// <summary>Identities of <paramref name="measurement"/> that influxd acknowledged, with their counts.</summary>
    public IReadOnlyDictionary<string, int> AcknowledgedOf(string measurement) =>
        _acknowledged.Where(p => MeasurementOf(p.Key) == measurement).ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal);

    public static async Task<RecordingInfluxProxy> StartAsync(string upstreamUrl)
    {
        int port = FreePort.Next();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        WebApplication app = builder.Build();
        var proxy = new RecordingInfluxProxy(app, upstreamUrl, port);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        return proxy;
    }

    /// <summary>
    /// The identity of a line: measurement and tags (up to the first unescaped space) and the timestamp (after the
    /// last space), e.g. <c>sway,device=dev-1,facility=north\ wing 1700000011000000</c>.
    /// </summary>
    public static string KeyOf(string line)
    {
        int space = 0;
        while (space < line.Length && !(line[space] == ' ' && (space == 0 || line[space - 1] != '\\')))
        {
            space++;
        }

        return line[..space] + " " + line[(line.LastIndexOf(' ') + 1)..];
    }

    public static string MeasurementOf(string key)
    {
        int comma = key.IndexOf(',', StringComparison.Ordinal);
        return comma < 0 ? key[..key.IndexOf(' ', StringComparison.Ordinal)] : key[..comma];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        byte[] body = buffer.ToArray();
        bool isWrite = request.Method == HttpMethods.Post && request.Path is { Value: "/write" or "/api/v2/write" };
        if (isWrite)
        {
            Interlocked.Increment(ref _writeRequests);
            int fault = FaultStatus;
            if (fault != 0)
            {
                Interlocked.Add(ref _rejectedLines, Lines(body, request.Headers.ContentEncoding.ToString()).Count);
                context.Response.StatusCode = fault;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"error\":\"proxy: request refused\"}", context.RequestAborted);
                return;
            }
        }

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), request.Path + request.QueryString);
        if (body.Length > 0 || request.ContentType is not null)
        {
            forward.Content = new ByteArrayContent(body);
            if (request.ContentType is { } contentType)
            {
                forward.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            if (request.Headers.ContentEncoding.Count > 0)
            {
                forward.Content.Headers.TryAddWithoutValidation("Content-Encoding", request.Headers.ContentEncoding.ToString());
            }
        }

        if (request.Headers.Authorization.Count > 0)
        {
            forward.Headers.TryAddWithoutValidation("Authorization", request.Headers.Authorization.ToString());
        }

        HttpResponseMessage response;
        try
        {
            response = await _upstream.SendAsync(forward, context.RequestAborted);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // Refused connections never reached influxd; anything else may have been stored.
            if (isWrite && !(ex is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }))
            {
                Count(_inDoubt, body, request.Headers.ContentEncoding.ToString());
            }

            if (!context.RequestAborted.IsCancellationRequested)
            {
                context.Response.StatusCode = (int)HttpStatusCode.BadGateway;
            }

            return;
        }

        using (response)
        {
            byte[] answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
            if (isWrite && response.IsSuccessStatusCode)
            {
                Count(_acknowledged, body, request.Headers.ContentEncoding.ToString());
            }

            context.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } type)
            {
                context.Response.ContentType = type.ToString();
            }

            await context.Response.Body.WriteAsync(answer, context.RequestAborted);
        }
    }

    private static void Count(ConcurrentDictionary<string, int> counts, byte[] body, string encoding)
    {
        foreach (string line in Lines(body, encoding))
        {
            counts.AddOrUpdate(KeyOf(line), 1, static (_, n) => n + 1);
        }
    }

    private static List<string> Lines(byte[] body, string encoding)
    {
        string text;
        if (encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            text = reader.ReadToEnd();
        }
        else
        {
            text = Encoding.UTF8.GetString(body);
        }

        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }
}
