using System.Diagnostics;
using System.Globalization;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>
/// A mosquitto crash for <see cref="MosquittoBroker"/> (whose own restart is a clean SIGTERM): SIGKILL to the
/// broker's process, found by its own config path in /proc (nothing else runs with that temp dir), then
/// <see cref="MosquittoBroker.RestartAsync"/> starts it again on the same port and persistence file.
/// </summary>
internal static class BrokerCrash
{
    /// <summary>
    /// Mosquitto as deploy/mosquitto/mosquitto.conf keeps sessions (persistence, autosave every 5 s, unbounded QoS 1
    /// queue, 100 in flight), without TLS and accounts.
    /// </summary>
    public static Task<MosquittoBroker> StartDeployLikeAsync() => MosquittoBroker.StartAsync(static (dir, port) => $"""
        user root
        listener {port} 127.0.0.1
        allow_anonymous true
        persistence true
        persistence_location {dir}/data/
        autosave_on_changes false
        autosave_interval 5
        max_queued_messages 0
        max_inflight_messages 100
        log_dest stderr
        log_type error
        log_type warning
        log_type notice
        connection_messages true
        """);

    public static async Task KillAndRestartAsync(MosquittoBroker broker, TimeSpan downtime)
    {
        var config = Path.Combine(broker.Directory, "mosquitto.conf");
        var pid = FindPid(config) ?? throw new InvalidOperationException($"no mosquitto process runs {config}");
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        await broker.RestartAsync(downtime);
    }

    private static int? FindPid(string config)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (args.Length > 2 && args[0] == MosquittoBroker.Executable && args.Contains(config, StringComparer.Ordinal))
                {
                    return pid;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended meanwhile, or is not ours to read.
            }
        }

        return null;
    }
}
