using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Influx.Writing;

namespace StabilityMonitor.Influx.Tests;

/// <summary>The exact requests of both writers, against a recording HTTP endpoint on loopback.</summary>
public sealed class WriterRequestTests : IDisposable
{
    private const string Body = "events,device=d,facility=f,kind=fall severity=3i 1700000000000000\nsway,device=d,facility=f rms_ap=0.05 1700000000000001\n";
    private readonly RecordingHttpServer _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task V2_SendsOrgBucketMicrosecondPrecisionTokenAndGzip(bool gzip)
    {
        var options = new InfluxOptions
        {
            Url = _endpoint.Url,
            ApiVersion = InfluxApiVersion.V2,
            Token = "secret-token",
            Org = "my org",
            Bucket = "stability",
            Gzip = gzip,
        };
        using var writer = new V2PointWriter(options);
        WriteOutcome outcome = await writer.WriteAsync(Encoding.UTF8.GetBytes(Body), 2, CancellationToken.None);

        Assert.Equal(WriteOutcomeKind.Written, outcome.Kind);
        RecordedRequest request = Assert.Single(_endpoint.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v2/write", request.Path);
        Assert.Equal("my org", request.Query["org"]);
        Assert.Equal("stability", request.Query["bucket"]);
        Assert.Equal("us", request.Query["precision"]);
        Assert.Equal("Token secret-token", request.Authorization);
        // Without gzip the client says "identity".
        Assert.Equal(gzip ? "gzip" : "identity", request.ContentEncoding ?? "identity");
        Assert.Equal(Body.TrimEnd('\n'), request.Body.TrimEnd('\n'));
    }

    [Fact]
    public async Task V1_SendsDatabaseRetentionPolicyPrecisionBasicAuthAndGzip()
    {
        var options = new InfluxOptions
        {
            Url = _endpoint.Url + "/",
            ApiVersion = InfluxApiVersion.V1,
            Database = "stability",
            RetentionPolicy = "one year",
            Username = "writer",
            Password = "pw:1",
        };
        using var writer = new V1PointWriter(options, new SocketsHttpHandler(), NullLogger.Instance);
        WriteOutcome outcome = await writer.WriteAsync(Encoding.UTF8.GetBytes(Body), 2, CancellationToken.None);

        Assert.Equal(WriteOutcomeKind.Written, outcome.Kind);
        RecordedRequest request = Assert.Single(_endpoint.Requests);
        Assert.Equal("/write", request.Path);
        Assert.Equal("stability", request.Query["db"]);
        Assert.Equal("one year", request.Query["rp"]);
        Assert.Equal("u", request.Query["precision"]);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("writer:pw:1")), request.Authorization);
        Assert.Equal("gzip", request.ContentEncoding);
        Assert.Equal(Body, request.Body);
    }

    [Theory]
    [InlineData(InfluxApiVersion.V1, 400, "Rejected", "rejected")]
    [InlineData(InfluxApiVersion.V2, 400, "Rejected", "rejected")]
    [InlineData(InfluxApiVersion.V2, 422, "Rejected", "rejected")]
    [InlineData(InfluxApiVersion.V1, 413, "TooLarge", "too_large")]
    [InlineData(InfluxApiVersion.V1, 401, "Retry", "auth")]
    [InlineData(InfluxApiVersion.V2, 401, "Retry", "auth")]
    [InlineData(InfluxApiVersion.V2, 429, "Retry", "throttled")]
    [InlineData(InfluxApiVersion.V1, 503, "Retry", "server")]
    [InlineData(InfluxApiVersion.V2, 500, "Retry", "server")]
    public async Task ErrorStatuses_MapToOutcomes(InfluxApiVersion version, int status, string kind, string errorKind)
    {
        _endpoint.Status = status;
        _endpoint.ResponseBody = "{\"error\":\"unable to parse 'x': invalid field format\",\"code\":\"invalid\",\"message\":\"unable to parse\"}";
        var options = new InfluxOptions { Url = _endpoint.Url, ApiVersion = version, Org = "o", Bucket = "b", CreateDatabase = false };
        using IPointWriter writer = version == InfluxApiVersion.V1
            ? new V1PointWriter(options, new SocketsHttpHandler(), NullLogger.Instance)
            : new V2PointWriter(options);
        WriteOutcome outcome = await writer.WriteAsync(Encoding.UTF8.GetBytes(Body), 2, CancellationToken.None);
        Assert.Equal(kind, outcome.Kind.ToString());
        Assert.Equal(errorKind, outcome.ErrorKind);
        Assert.Equal(status, outcome.Status);
    }

    [Theory]
    [InlineData(InfluxApiVersion.V1)]
    [InlineData(InfluxApiVersion.V2)]
    public async Task NoListener_IsANetworkErrorToRetry(InfluxApiVersion version)
    {
        var options = new InfluxOptions { Url = $"http://127.0.0.1:{FreePort.Next()}", ApiVersion = version, Org = "o", Bucket = "b" };
        using IPointWriter writer = version == InfluxApiVersion.V1
            ? new V1PointWriter(options, new SocketsHttpHandler(), NullLogger.Instance)
            : new V2PointWriter(options);
        WriteOutcome outcome = await writer.WriteAsync(Encoding.UTF8.GetBytes(Body), 2, CancellationToken.None);
        Assert.Equal(WriteOutcomeKind.Retry, outcome.Kind);
        Assert.Equal("network", outcome.ErrorKind);
    }
}
