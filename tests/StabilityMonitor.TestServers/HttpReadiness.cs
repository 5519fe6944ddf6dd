using System.Diagnostics;
using System.Net;

namespace StabilityMonitor.TestServers;

/// <summary>Polls a server process's readiness endpoint until it answers as expected, it dies, or time runs out.</summary>
public static class HttpReadiness
{
    /// <param name="port">When given, ready only if the socket listening on it is <paramref name="process"/>'s own
    /// (<see cref="ListeningSocket"/>); if the process exits while another one listens there, <see cref="PortTakenException"/>.</param>
    public static void WaitFor(HttpClient http, string path, HttpStatusCode ready, Process process, string name, TimeSpan timeout, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(process);
        var deadline = Stopwatch.StartNew();
        var foreign = false;
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                if (port is { } taken && (foreign || ListeningSocket.Any(taken)))
                {
                    throw new PortTakenException($"{name}: port {taken} was taken by another process before it could bind it (exit code {process.ExitCode}).");
                }

                throw new InvalidOperationException($"{name} exited with code {process.ExitCode} before answering {path}.");
            }

            try
            {
                using HttpResponseMessage response = http.GetAsync(path).GetAwaiter().GetResult();
                if (response.StatusCode == ready)
                {
                    if (port is not { } own || ListeningSocket.BelongsTo(process.Id, own))
                    {
                        return;
                    }

                    foreign = true;
                }
            }
            catch (HttpRequestException)
            {
            }

            Thread.Sleep(20);
        }

        throw new TimeoutException($"{name} did not answer {path} with {(int)ready} within {timeout.TotalSeconds:0} s{(foreign ? " (another process answered on its port)" : string.Empty)}.");
    }
}
