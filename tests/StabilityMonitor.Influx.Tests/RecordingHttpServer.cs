using System.IO.Compression;
using System.Net;
using System.Text;

namespace StabilityMonitor.Influx.Tests;

/// <summary>A loopback HTTP endpoint that records each request (body un-gzipped) and answers with a set status.</summary>
internal sealed class RecordingHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Task _loop;

    public RecordingHttpServer()
    {
        Port = FreePort.Next();
        Url = $"http://127.0.0.1:{Port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url { get; }

    public int Status { get; set; } = 204;

    public string ResponseBody { get; set; } = "";

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _ = _loop.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var raw = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(raw);
            string? encoding = context.Request.Headers["Content-Encoding"];
            byte[] body = raw.ToArray();
            if (encoding == "gzip")
            {
                using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                await gzip.CopyToAsync(plain);
                body = plain.ToArray();
            }

            lock (_requests)
            {
                _requests.Add(new RecordedRequest(
                    context.Request.HttpMethod,
                    context.Request.Url!.AbsolutePath,
                    System.Web.HttpUtility.ParseQueryString(context.Request.Url.Query),
                    context.Request.Headers["Authorization"],
                    encoding,
                    Encoding.UTF8.GetString(body)));
            }

            context.Response.StatusCode = Status;
            if (ResponseBody.Length > 0)
            {
                byte[] response = Encoding.UTF8.GetBytes(ResponseBody);
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(response);
            }

            context.Response.Close();
        }
    }
}
