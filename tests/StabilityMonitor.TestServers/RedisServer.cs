using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace StabilityMonitor.TestServers;

/// <summary>
/// A private redis-server (Debian's <c>redis-server</c>) on a free loopback port, its files in a temp dir, no
/// persistence (shared/notes/real-servers.md §4). Ready once it answers PING with PONG.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private readonly TempDirectory _dir = new("sm-redis-");
    private Process _process = null!;

    public RedisServer()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} not found: these tests need Debian's redis-server package (scripts/test.sh installs it).");
        }

        // A port picked here can be taken by another test's server before redis-server binds it: then another one.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            var info = new ProcessStartInfo(Binary,
            [
                "--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--dir", _dir.Path,
                "--save", string.Empty, "--appendonly", "no", "--protected-mode", "yes", "--logfile", _dir.Sub("redis.log"),
            ])
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = _dir.Path,
            };
            _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
            _process.OutputDataReceived += static (_, _) => { };
            _process.ErrorDataReceived += static (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            try
            {
                WaitReady(TimeSpan.FromSeconds(15));
                return;
            }
            catch (PortTakenException) when (attempt < 5)
            {
                Kill();
                _process.Dispose();
            }
        }
    }

    public int Port { get; private set; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port},abortConnect=false");

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _dir.Dispose();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"redis on {Port}");

    private void WaitReady(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var foreign = false;
        while (true)
        {
            if (_process.HasExited)
            {
                if (foreign || ListeningSocket.Any(Port))
                {
                    throw new PortTakenException($"port {Port} was taken before redis-server could bind it: {ReadLog()}");
                }

                throw new InvalidOperationException($"redis-server exited ({_process.ExitCode}): {ReadLog()}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", Port);
                using var stream = client.GetStream();
                stream.ReadTimeout = 1000;
                stream.Write("PING\r\n"u8);
                var buffer = new byte[16];
                var read = stream.Read(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    // Something answers on the port: ready only if it is this redis-server's own socket.
                    if (ListeningSocket.BelongsTo(_process.Id, Port))
                    {
                        return;
                    }

                    foreign = true;
                }
            }
            catch (IOException)
            {
            }
            catch (SocketException)
            {
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"redis-server not ready within {timeout}: {ReadLog()}");
            }

            Thread.Sleep(25);
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private string ReadLog()
    {
        try
        {
            return File.ReadAllText(_dir.Sub("redis.log"));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }
}
