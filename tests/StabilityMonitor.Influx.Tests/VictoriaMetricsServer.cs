using System.Diagnostics;
using System.Net;

namespace StabilityMonitor.Influx.Tests;

/// <summary>Debian's victoria-metrics on a free loopback port (it accepts /api/v2/write; notes §3).</summary>
internal sealed class VictoriaMetricsServer : IDisposable
{
    public const string Binary = "/usr/bin/victoria-metrics";

    private readonly TempDirectory _dir = new();
    private readonly Process _process;

    public VictoriaMetricsServer()
    {
        Port = FreePort.Next();
        Url = $"http://127.0.0.1:{Port}";
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(10) };
        var info = new ProcessStartInfo(Binary,
        [
            $"-httpListenAddr=127.0.0.1:{Port}", $"-storageDataPath={_dir.Sub("data")}", "-retentionPeriod=1d",
            "-search.latencyOffset=0s", "-search.disableCache", "-loggerLevel=WARN",
        ])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("victoria-metrics did not start.");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            HttpReadiness.WaitFor(Http, "/health", HttpStatusCode.OK, _process, $"victoria-metrics on port {Port}", TimeSpan.FromSeconds(30));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Port { get; }

    public string Url { get; }

    public HttpClient Http { get; }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        Http.Dispose();
        _dir.Dispose();
    }
}
