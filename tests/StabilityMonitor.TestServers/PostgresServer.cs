using System.Diagnostics;
using System.Globalization;

namespace StabilityMonitor.TestServers;

/// <summary>
/// A private PostgreSQL (Debian's <c>postgresql</c>) on a free loopback port, its cluster in a temp dir
/// (shared/notes/real-servers.md §4b): <c>initdb</c> with trust auth for user <c>stability</c>, <c>pg_ctl start</c>
/// with fsync off (tests only). Each test takes a fresh database from <see cref="CreateDatabase"/>.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private const string Root = "/usr/lib/postgresql";
    private readonly TempDirectory _dir = new("sm-pg-");
    private readonly string _bin;
    private readonly bool _asPostgresUser;
    private int _databases;
    private bool _running;

    public PostgresServer()
    {
        _bin = FindBin() ?? throw new InvalidOperationException(
            $"PostgreSQL binaries not found under {Root}: these tests need Debian's postgresql package (scripts/test.sh installs it: apt-get install postgresql).");

        // initdb refuses to run as root: as root, run the server as the 'postgres' account the package creates.
        _asPostgresUser = Environment.UserName == "root";
        if (_asPostgresUser)
        {
            Run("/usr/bin/chown", ["postgres", _dir.Path], asPostgres: false);
        }

        Port = FreePort.Next();
        Run(Path.Combine(_bin, "initdb"), ["-D", _dir.Sub("data"), "-U", "stability", "--auth=trust", "-E", "UTF8"], _asPostgresUser);
        Start();
    }

    public int Port { get; }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public string CreateDatabase(string prefix = "sm")
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}_{Interlocked.Increment(ref _databases)}_{Environment.ProcessId}");
        Run(Path.Combine(_bin, "createdb"), ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "stability", name], asPostgres: false);
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=stability;Database={database};Pooling=true;Timeout=30");

    /// <summary>Starts the cluster again after <see cref="Stop"/>, on the same port with the same databases.</summary>
    public void Start()
    {
        Run(
            Path.Combine(_bin, "pg_ctl"),
            ["-D", _dir.Sub("data"), "-l", _dir.Sub("pg.log"), "-w", "-t", "60", "start", "-o",
                string.Create(CultureInfo.InvariantCulture, $"-p {Port} -k {_dir.Path} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200")],
            _asPostgresUser);
        _running = true;
    }

    /// <summary>Stops the server at once (an outage: connections are cut); <see cref="Start"/> brings it back.</summary>
    public void Stop()
    {
        Run(Path.Combine(_bin, "pg_ctl"), ["-D", _dir.Sub("data"), "-m", "immediate", "-w", "stop"], _asPostgresUser);
        _running = false;
    }

    public void Dispose()
    {
        if (_running)
        {
            _running = false;
            try
            {
                Run(Path.Combine(_bin, "pg_ctl"), ["-D", _dir.Sub("data"), "-m", "immediate", "-w", "stop"], _asPostgresUser);
            }
            catch (InvalidOperationException)
            {
                // Already gone; the temp dir goes anyway.
            }
        }

        _dir.Dispose();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"postgres on {Port}");

    private static string? FindBin()
    {
        if (!Directory.Exists(Root))
        {
            return null;
        }

        return Directory.GetDirectories(Root)
            .Select(static d => Path.Combine(d, "bin"))
            .Where(static d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(static d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    private static void Run(string file, string[] args, bool asPostgres)
    {
        var info = asPostgres
            ? new ProcessStartInfo("/usr/sbin/runuser", ["-u", "postgres", "--", file, .. args])
            : new ProcessStartInfo(file, args);
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(file)} did not finish within 120 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr}{stdout.Result}");
        }
    }
}
