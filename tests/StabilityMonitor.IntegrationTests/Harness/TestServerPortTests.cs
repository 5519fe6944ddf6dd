using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.IntegrationTests.Harness;

/// <summary>
/// docs/testing.md, "Ports": a test's server counts as ready only when the socket on its port is its own. Another
/// process answering there (a server of a test running beside it that took the port first) must not pass for it.
/// </summary>
public sealed class TestServerPortTests
{
    [Fact]
    public void ListeningSocket_TellsThisProcessesListenerFromAnotherProcess()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var other = Process.Start(new ProcessStartInfo("/bin/sleep", ["30"]) { UseShellExecute = false })!;
        try
        {
            Assert.True(ListeningSocket.Any(port));
            Assert.True(ListeningSocket.BelongsTo(Environment.ProcessId, port));
            Assert.False(ListeningSocket.BelongsTo(other.Id, port));
        }
        finally
        {
            other.Kill();
        }

        listener.Stop();
        Assert.False(ListeningSocket.Any(port));
    }

    [Fact]
    public async Task HttpReadiness_AnotherProcessAnsweringOnThePort_IsNotReady_AndItsExitIsAPortTaken()
    {
        // This test process plays the other test's server: it answers /ping with 204 on the port.
        var port = FreePort.Next();
        using var foreign = new HttpListener();
        foreign.Prefixes.Add($"http://127.0.0.1:{port}/");
        foreign.Start();
        using var stop = new CancellationTokenSource();
        var answering = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var context = await foreign.GetContextAsync().WaitAsync(stop.Token);
                context.Response.StatusCode = 204;
                context.Response.Close();
            }
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        // "Our server": a process that never binds the port, as one whose bind failed and that has not exited yet.
        using var ours = Process.Start(new ProcessStartInfo("/bin/sleep", ["30"]) { UseShellExecute = false })!;
        try
        {
            var waiting = Assert.Throws<TimeoutException>(() => HttpReadiness.WaitFor(http, "/ping", HttpStatusCode.NoContent, ours, "test server", TimeSpan.FromSeconds(2), port));
            Assert.Contains("another process answered", waiting.Message, StringComparison.Ordinal);

            // Without the port it is fooled, as before.
            HttpReadiness.WaitFor(http, "/ping", HttpStatusCode.NoContent, ours, "test server", TimeSpan.FromSeconds(2));
        }
        finally
        {
            ours.Kill();
            await ours.WaitForExitAsync();
        }

        // Once it has exited while the other listens on its port: the port was taken, start again on another.
        Assert.Throws<PortTakenException>(() => HttpReadiness.WaitFor(http, "/ping", HttpStatusCode.NoContent, ours, "test server", TimeSpan.FromSeconds(2), port));
        await stop.CancelAsync();
        foreign.Stop();
        await Assert.ThrowsAnyAsync<Exception>(() => answering);
    }
}
