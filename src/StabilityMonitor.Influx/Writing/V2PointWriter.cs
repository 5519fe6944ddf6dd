using System.Text;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;

namespace StabilityMonitor.Influx.Writing;

/// <summary>
/// InfluxDB 2.x / 3.x / Cloud through InfluxDB.Client's <see cref="WriteApiAsync"/> (token, org, bucket, gzip).
/// Only the request goes through the client: batching and retries are ours, because the client's own batching
/// write API queues without bound in memory and gives up after its retries, which is how its users lose data.
/// </summary>
internal sealed class V2PointWriter : IPointWriter
{
    private readonly InfluxDBClient _client;
    private readonly WriteApiAsync _writeApi;
    private readonly string _org;
    private readonly string _bucket;

    public V2PointWriter(InfluxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _org = options.Org;
        _bucket = options.Bucket;
        var clientOptions = new InfluxDBClientOptions(options.Url)
        {
            Org = options.Org,
            Bucket = options.Bucket,
            Timeout = options.RequestTimeout,
        };
        if (!string.IsNullOrEmpty(options.Token))
        {
            // The client refuses an empty token; servers without authentication (VictoriaMetrics, a dev 3.x) need none.
            clientOptions.Token = options.Token;
        }
        _client = new InfluxDBClient(clientOptions);
        if (options.Gzip)
        {
            _client.EnableGzip();
        }

        _writeApi = _client.GetWriteApiAsync();
        Target = $"{new Uri(options.Url).GetLeftPart(UriPartial.Authority)} (v2, org {options.Org}, bucket {options.Bucket})";
    }

    public string Target { get; }

    public async Task<WriteOutcome> WriteAsync(ReadOnlyMemory<byte> body, int points, CancellationToken cancellationToken)
    {
        // The client takes strings: one per batch (the body's lines joined by '\n' form one multi-line record).
        string text = Encoding.UTF8.GetString(body.Span);
        try
        {
            await _writeApi.WriteRecordAsync(text, WritePrecision.Us, _bucket, _org, cancellationToken).ConfigureAwait(false);
            return WriteOutcome.Written;
        }
        catch (HttpException ex)
        {
            TimeSpan? retryAfter = ex.RetryAfter is int seconds ? TimeSpan.FromSeconds(seconds) : null;
            return WriteOutcome.FromStatus(ex.Status, ex.Message, retryAfter);
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

    public void Dispose() => _client.Dispose();
}
