using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace StabilityMonitor.TestServers;

/// <summary>
/// Debian's influxd 1.6 (v1 API) as a child process on a free loopback port with its own temp dir
/// (config per shared/notes/real-servers.md §2). <see cref="Stop"/> kills it (SIGKILL: it recovers acknowledged
/// writes from its own WAL), <see cref="Start"/> starts it again on the same port and data.
/// </summary>
public sealed class InfluxdServer : IDisposable
{
    public const string Binary = "/usr/bin/influxd";

    private readonly TempDirectory _dir = new();
    private HttpClient _http = null!;
    private Process? _process;

    public InfluxdServer(int? port = null, bool start = true)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException(
                $"{Binary} not found: these tests need Debian's influxdb package (scripts/test.sh installs it: apt-get install influxdb).");
        }

        // A port picked here can be taken by another test's server before influxd binds it: then another one (a port the
        // caller chose is kept, and its loss reported).
        for (var attempt = 1; ; attempt++)
        {
            Configure(port ?? FreePort.Next());
            try
            {
                if (start)
                {
                    Start();
                }

                return;
            }
            catch (PortTakenException) when (port is null && attempt < 5)
            {
                Stop();
                _http.Dispose();
            }
        }
    }

    public int Port { get; private set; }

    public string Url { get; private set; } = string.Empty;

    public bool IsRunning => _process is { HasExited: false };

    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        var info = new ProcessStartInfo(Binary, ["run", "-config", _dir.Sub("influxdb.conf")])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("influxd did not start.");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        HttpReadiness.WaitFor(_http, "/ping", HttpStatusCode.NoContent, _process, $"influxd on port {Port}", TimeSpan.FromSeconds(30), Port);
    }

    public void Stop()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>
    /// SIGSTOP: influxd keeps its port but answers nothing (a hung server), so writers time out and keep their data.
    /// </summary>
    public void Pause() => Signal("-STOP");

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => Signal("-CONT");

    public async Task<JsonElement> QueryAsync(string database, string q)
    {
        string uri = $"/query?db={Uri.EscapeDataString(database)}&epoch=u&q={Uri.EscapeDataString(q)}";
        string body = await _http.GetStringAsync(uri);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("results")[0].Clone();
    }

    /// <summary>The single value of an aggregate query (0 when there is no series).</summary>
    public async Task<long> ScalarAsync(string database, string q)
    {
        JsonElement result = await QueryAsync(database, q);
        if (!result.TryGetProperty("series", out JsonElement series))
        {
            return 0;
        }

        return series[0].GetProperty("values")[0][1].GetInt64();
    }

    public async Task CreateDatabaseAsync(string database)
    {
        using var content = new FormUrlEncodedContent([new("q", "CREATE DATABASE \"" + database + "\"")]);
        using HttpResponseMessage response = await _http.PostAsync("/query", content);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose()
    {
        Stop();
        _http.Dispose();
        _dir.Dispose();
    }

    private void Configure(int port)
    {
        Port = port;
        Url = $"http://127.0.0.1:{Port}";
        _http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        File.WriteAllText(_dir.Sub("influxdb.conf"), $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:0"
            [meta]
              dir = "{_dir.Sub("meta")}"
            [data]
              dir = "{_dir.Sub("data")}"
              wal-dir = "{_dir.Sub("wal")}"
              query-log-enabled = false
            [monitor]
              store-enabled = false
            [http]
              enabled = true
              bind-address = "127.0.0.1:{Port}"
              auth-enabled = false
              log-enabled = false
              pprof-enabled = false
            [logging]
              level = "warn"
            """);
    }

    private void Signal(string signal)
    {
        if (_process is not { HasExited: false } process)
        {
            throw new InvalidOperationException("influxd is not running.");
        }

        using Process kill = Process.Start(new ProcessStartInfo("kill", [signal, process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start.");
        kill.WaitForExit(10_000);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"influxd on {Port}");
}
