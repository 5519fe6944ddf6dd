using System.Diagnostics;
using System.Net;

namespace StabilityMonitor.TestServers;

/// <summary>Polls a server process's readiness endpoint until it answers as expected, it dies, or time runs out.</summary>
public static class HttpReadiness
{
    public static void WaitFor(HttpClient http, string path, HttpStatusCode ready, Process process, string name, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(process);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode} before answering {path}.");
            }

            try
            {
                using HttpResponseMessage response = http.GetAsync(path).GetAwaiter().GetResult();
                if (response.StatusCode == ready)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Thread.Sleep(20);
        }

        throw new TimeoutException($"{name} did not answer {path} with {(int)ready} within {timeout.TotalSeconds:0} s.");
    }
}
