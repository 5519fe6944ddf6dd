using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Influx.Query;

namespace StabilityMonitor.Influx.Writing;

/// <summary>
/// InfluxDB 1.x HTTP API: <c>POST /write?db=..&amp;rp=..&amp;precision=u</c>, basic authentication when a user is set,
/// gzip bodies. InfluxDB.Client cannot be used here: it only speaks <c>/api/v2/write</c>, which 1.x lacks.
/// Used by the one drain loop, so its compression buffer is reused between requests.
/// </summary>
internal sealed class V1PointWriter : IPointWriter
{
    private readonly HttpClient _http;
    private readonly Uri _writeUri;
    private readonly Uri _queryUri;
    private readonly string _database;
    private readonly bool _gzip;
    private readonly bool _createDatabase;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly ILogger _logger;
    private readonly MemoryStream _compressed = new();

    public V1PointWriter(InfluxOptions options, HttpMessageHandler handler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var baseUri = new Uri(options.Url.TrimEnd('/') + "/");
        _database = options.Database;
        string query = "write?db=" + Uri.EscapeDataString(options.Database) + "&precision=u";
        if (!string.IsNullOrEmpty(options.RetentionPolicy))
        {
            query += "&rp=" + Uri.EscapeDataString(options.RetentionPolicy);
        }

        _writeUri = new Uri(baseUri, query);
        _queryUri = new Uri(baseUri, "query");
        _gzip = options.Gzip;
        _createDatabase = options.CreateDatabase;
        _authorization = InfluxHttp.BasicAuthorization(options.Username, options.Password);
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = options.RequestTimeout };
        _logger = logger;
        Target = $"{baseUri.GetLeftPart(UriPartial.Authority)} (v1, db {options.Database})";
    }

    public string Target { get; }

    public async Task<WriteOutcome> WriteAsync(ReadOnlyMemory<byte> body, int points, CancellationToken cancellationToken)
    {
        WriteOutcome outcome = await PostAsync(body, cancellationToken).ConfigureAwait(false);
        if (outcome.Status == 404 && _createDatabase && outcome.Message?.Contains("database not found", StringComparison.Ordinal) == true
            && await CreateDatabaseAsync(cancellationToken).ConfigureAwait(false))
        {
            outcome = await PostAsync(body, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    public void Dispose()
    {
        _http.Dispose();
        _compressed.Dispose();
    }

    private async Task<WriteOutcome> PostAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _writeUri) { Content = CreateContent(body) };
            request.Headers.Authorization = _authorization;
            using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return WriteOutcome.Written;
            }

            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return WriteOutcome.FromStatus((int)response.StatusCode, InfluxHttp.ErrorMessage(text), response.Headers.RetryAfter?.Delta);
        }
        catch (HttpRequestException ex)
        {
            return WriteOutcome.Network(ex.Message);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return WriteOutcome.Timeout(ex.Message);
        }
    }

    private HttpContent CreateContent(ReadOnlyMemory<byte> body)
    {
        HttpContent content;
        if (_gzip)
        {
            _compressed.SetLength(0);
            using (var gzip = new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(body.Span);
            }

            content = new ByteArrayContent(_compressed.GetBuffer(), 0, (int)_compressed.Length);
            content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            content = new ReadOnlyMemoryContent(body);
        }

        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        return content;
    }

    private async Task<bool> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _queryUri)
            {
                Content = new FormUrlEncodedContent([new("q", "CREATE DATABASE " + InfluxQl.Identifier(_database))]),
            };
            request.Headers.Authorization = _authorization;
            using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            InfluxLog.DatabaseCreated(_logger, _database, Target);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
