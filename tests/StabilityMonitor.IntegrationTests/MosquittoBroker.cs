using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StabilityMonitor.IntegrationTests;

/// <summary>
/// Debian's mosquitto, started by the test as a child process on a free loopback port with its config and data in
/// a temp dir. <see cref="RestartAsync"/> stops it with SIGTERM (it saves its persistence file) and starts it again
/// on the same port and data. Dispose kills it and deletes the dir.
/// </summary>
internal sealed class MosquittoBroker : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/mosquitto";
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(15);

    private readonly StringBuilder _log = new();
    private readonly string _config;
    private Process? _process;

    private MosquittoBroker(string directory, int port, string config)
    {
        Directory = directory;
        Port = port;
        _config = config;
    }

    public string Directory { get; }

    public int Port { get; }

    public string Url => $"mqtt://127.0.0.1:{Port}";

    public int Restarts { get; private set; }

    /// <summary>What mosquitto wrote to stderr so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>A plain anonymous broker with persistence and no queue limit (so counting tests see every message).</summary>
    public static Task<MosquittoBroker> StartAsync() => StartAsync((dir, port) => $"""
        user root
        listener {port} 127.0.0.1
        allow_anonymous true
        persistence true
        persistence_location {dir}/data/
        autosave_interval 1
        max_queued_messages 0
        log_dest stderr
        log_type error
        log_type warning
        log_type notice
        connection_messages true
        """);

    /// <summary>A broker with a config made from the temp dir and the port; the dir already exists when it is called.</summary>
    public static async Task<MosquittoBroker> StartAsync(Func<string, int, string> config, Action<string>? prepare = null)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: the integration tests need Debian's mosquitto. Run scripts/test.sh (it installs it) or 'apt-get install mosquitto'.");
        }

        // A free port is free only when it is picked: a server of a test running beside this one can take it before
        // mosquitto binds it. Then mosquitto exits, and without the check below the test would talk to that server.
        for (var attempt = 1; ; attempt++)
        {
            var dir = System.IO.Directory.CreateTempSubdirectory("sm-mosquitto-").FullName;
            System.IO.Directory.CreateDirectory(Path.Combine(dir, "data"));
            var port = FreePort.Next();
            prepare?.Invoke(dir);
            var broker = new MosquittoBroker(dir, port, config(dir, port));
            await File.WriteAllTextAsync(Path.Combine(dir, "mosquitto.conf"), broker._config);
            try
            {
                await broker.StartProcessAsync();
                return broker;
            }
            catch (PortTakenException) when (attempt < 5)
            {
                await broker.DisposeAsync();
            }
        }
    }

    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        // SIGTERM (Process.Kill would send SIGKILL): mosquitto saves its database and exits.
        using (var kill = Process.Start(new ProcessStartInfo("/usr/bin/kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>Starts it again on the same port, configuration and data after <see cref="StopAsync"/>.</summary>
    public Task StartAgainAsync() => StartProcessAsync();

    public async Task RestartAsync(TimeSpan downtime)
    {
        await StopAsync();
        await Task.Delay(downtime);
        await StartProcessAsync();
        Restarts++;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo(Executable, ["-c", Path.Combine(Directory, "mosquitto.conf")])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_log)
                {
                    _log.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process?.Dispose();
        _process = process;

        var deadline = Stopwatch.StartNew();
        var foreignListener = false;
        while (deadline.Elapsed < s_readyTimeout)
        {
            if (process.HasExited)
            {
                // Its last words are read asynchronously: wait for the end of its output before reading the log.
                process.WaitForExit();
                if (foreignListener || Log.Contains("Address already in use", StringComparison.Ordinal))
                {
                    throw new PortTakenException($"port {Port} was taken before mosquitto could bind it:\n{Log}");
                }

                throw new InvalidOperationException($"mosquitto exited with {process.ExitCode}:\n{Log}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port).WaitAsync(TimeSpan.FromSeconds(1));

                // Something accepts on the port: ready only if it is this mosquitto's own socket.
                if (ListeningSocket.BelongsTo(process.Id, Port))
                {
                    return;
                }

                foreignListener = true;
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException)
            {
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"mosquitto did not accept connections on {Port} within {s_readyTimeout}:\n{Log}");
    }

}
