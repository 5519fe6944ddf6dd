using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>
/// The real server as a child process (<c>dotnet StabilityMonitor.Server.dll</c> from this test's output, where the
/// project reference puts it with its runtimeconfig and deps), configured by command-line arguments, on a free
/// loopback port, with a temp data directory that outlives <see cref="KillAsync"/> so <see cref="StartAsync"/>
/// starts it again on the same data. Its stdout and stderr are kept (bounded) and written to the test output on dispose.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int MaxLogLines = 4000;
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(60);

    private readonly List<(string Name, string Value)> _environment;
    private readonly List<string> _args;
    private readonly ITestOutputHelper? _output;
    private readonly TempDirectory _data = new("sm-server-");
    private readonly Queue<string> _log = new();

    // A soak run keeps every line of every node (scripts/soak-cluster.sh sets the folder): the queue keeps only the last.
    private StreamWriter? _wholeLog = Environment.GetEnvironmentVariable("STABILITY_TEST_SERVER_LOGS") is { Length: > 0 } folder
        ? new StreamWriter(Path.Combine(folder, $"server-{DateTime.UtcNow:HHmmss}-{Guid.NewGuid().ToString("N")[..6]}.log"))
        : null;
    private Process? _process;

    /// <param name="settings">
    /// Configuration (<c>Section:Key</c>, value) on top of the test defaults (ward off, admin password, unregistered
    /// wearables admitted); a key <c>env:NAME</c> sets the environment variable NAME of the process instead.
    /// </param>
    public ServerProcess(ITestOutputHelper? output, params (string Key, string Value)[] settings)
    {
        _output = output;
        // Below the ephemeral range: a restart after a kill finds it still free (FreePort.Kept).
        Port = FreePort.Kept();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}");
        _args =
        [
            $"--urls={BaseAddress}",
            $"--Server:DataDirectory={_data.Path}",
            "--Server:SummaryInterval=00:00:00",
            "--Ward:Enabled=false",
            $"--Auth:AdminPassword={ServerHost.AdminPassword}",
            "--Devices:AdmitUnregistered=true",
            "--Mqtt:ReconnectDelayMin=00:00:00.100",
            "--Mqtt:ReconnectDelayMax=00:00:01",
            "--Mqtt:KeepAlive=00:00:05",
            "--Logging:Console:FormatterName=simple",
            "--Logging:Console:FormatterOptions:SingleLine=true",
            "--Logging:Console:FormatterOptions:TimestampFormat=HH:mm:ss.fff ",
        ];
        // Extra arguments for every server a soak run starts, e.g. a log level to follow one frame through the cluster.
        if (Environment.GetEnvironmentVariable("STABILITY_TEST_SERVER_ARGS") is { Length: > 0 } extra)
        {
            _args.AddRange(extra.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        _args.AddRange(settings.Where(static s => !s.Key.StartsWith("env:", StringComparison.Ordinal)).Select(static s => $"--{s.Key}={s.Value}"));
        _environment = settings.Where(static s => s.Key.StartsWith("env:", StringComparison.Ordinal)).Select(static s => (s.Key[4..], s.Value)).ToList();
        Http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>The server's data directory (alert store, journal, keys; the frame log once it exists).</summary>
    public string DataDirectory => _data.Path;

    /// <summary>A client signed in as the global admin after each start.</summary>
    public HttpClient Http { get; }

    /// <summary>The running process id (for /proc), or throws when it is not running.</summary>
    public int Pid => _process is { HasExited: false } p ? p.Id : throw new InvalidOperationException("The server is not running.");

    public bool IsRunning => _process is { HasExited: false };

    public int Starts { get; private set; }

    public int Kills { get; private set; }

    /// <summary>The last lines the process wrote (stdout and stderr, interleaved).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    /// <summary>Starts the process (again, on the same data) and waits until /readyz answers 200; signs the admin in.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The server is running already.");
        }

        var dll = Path.Combine(AppContext.BaseDirectory, "StabilityMonitor.Server.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: the test project must reference the server project.");
        }

        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var info = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _data.Path,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in _args)
        {
            info.ArgumentList.Add(arg);
        }

        // The parent test host's environment must not pick the server's environment or urls.
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in _environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var start = Starts + 1;
        process.OutputDataReceived += (_, e) => Append(start, e.Data);
        process.ErrorDataReceived += (_, e) => Append(start, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process?.Dispose();
        _process = process;
        Starts++;
        Append(start, $"-- started pid {process.Id}");
        await WaitReadyAsync();
        await ServerHost.SignInAsync(Http, "admin", ServerHost.AdminPassword);
    }

    /// <summary>SIGKILL (Process.Kill on Unix): no shutdown code runs, as in an OOM kill or a power cut.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            throw new InvalidOperationException($"The server is not running; log:\n{Log}");
        }

        process.Kill();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Kills++;
        Append(Starts, $"-- SIGKILLed (exit {process.ExitCode})");
    }

    /// <summary>The server's /metrics as name (with labels) to value.</summary>
    public async Task<PrometheusText> MetricsAsync() => PrometheusText.Parse(await Http.GetStringAsync("/metrics"));

    /// <summary>Resident set size of the process, bytes (/proc/&lt;pid&gt;/status VmRSS).</summary>
    public long ResidentBytes() => ProcessMemory.ResidentBytes(Pid);

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process?.Dispose();
        Http.Dispose();
        if (_output is not null)
        {
            // Shown by the runner for a failing test; the last lines tell how the server ended.
            var lines = Log.Split('\n');
            _output.WriteLine($"--- server log, last {Math.Min(lines.Length, 150)} of {lines.Length} lines ---");
            _output.WriteLine(string.Join('\n', lines.TakeLast(150)));

            if (_wholeLog?.BaseStream is FileStream { Name: var path })
            {
                _output.WriteLine($"--- the whole log: {path} ---");
            }
        }

        lock (_log)
        {
            _wholeLog?.Dispose();
            _wholeLog = null;
        }

        _data.Dispose();
    }

    private async Task WaitReadyAsync()
    {
        var clock = Stopwatch.StartNew();
        string last = "no answer";
        while (clock.Elapsed < s_readyTimeout)
        {
            if (_process is not { HasExited: false })
            {
                throw new InvalidOperationException($"The server exited with {_process?.ExitCode} before /readyz was 200; log:\n{Log}");
            }

            try
            {
                using var response = await Http.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"/readyz not 200 within {s_readyTimeout}: {last}; log:\n{Log}");
    }

    private void Append(int start, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            var entry = string.Create(CultureInfo.InvariantCulture, $"[{start}] {line}");
            _log.Enqueue(entry);
            _wholeLog?.WriteLine(entry);
            if (_log.Count > MaxLogLines)
            {
                _log.Dequeue();
            }
        }
    }
}
