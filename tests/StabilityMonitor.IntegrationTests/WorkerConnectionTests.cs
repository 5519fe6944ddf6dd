using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Server;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests;

/// <summary>
/// docs/ingestion.md, the worker's connection: <c>/readyz</c> 503 while it is not connected, a refused connection
/// retried with backoff, subscriptions renewed after every connect (also when the broker kept no session), and the
/// embedded broker listening on <c>Mqtt:EmbeddedBindAddress</c> only.
/// </summary>
public sealed partial class WorkerConnectionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task MosquittoDown_ReadyzIs503WithMqttUnhealthy_ThenReadyAgainWhenItIsBack()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var server = await ServerHost.StartAsync(("Mqtt:Url", broker.Url), ("Mqtt:ClientId", "worker-readyz"));
        var state = server.Services.GetRequiredServiceOf<MqttConnectionState>();
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(server.Http)).Status);

        await broker.StopAsync();
        (HttpStatusCode Status, string Mqtt) down = default;
        await Poll.UntilAsync(
            async () => (down = await ReadyAsync(server.Http)).Status == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(60),
            () => $"/readyz {down.Status}, mqtt {down.Mqtt}");
        Assert.Equal("Unhealthy", down.Mqtt);
        Assert.False(state.IsConnected);
        var connectsWhileDown = state.Connects;

        await broker.StartAgainAsync();
        (HttpStatusCode Status, string Mqtt) up = default;
        await Poll.UntilAsync(
            async () => (up = await ReadyAsync(server.Http)).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60),
            () => $"/readyz {up.Status}, mqtt {up.Mqtt}");
        Assert.Equal("Healthy", up.Mqtt);
        Assert.True(state.Connects > connectsWhileDown, "the worker reconnected");
    }

    [Fact]
    public async Task WrongWorkerPassword_RefusedConnectionRetriedWithGrowingBackoff_NotReady_UntilTheBrokerAcceptsIt()
    {
        const string Worker = "worker-refused";
        await using var broker = await MosquittoBroker.StartAsync(
            static (dir, port) => $"""
                user root
                listener {port} 127.0.0.1
                allow_anonymous false
                password_file {dir}/passwd
                persistence false
                log_dest stderr
                log_type error
                log_type warning
                log_type notice
                connection_messages true
                """,
            static dir => Passwd(Path.Combine(dir, "passwd"), Worker, "the-right-password"));

        var logs = new LogCollector();
        using var data = new TempDirectory("sm-data-");
        await using var app = StartUnready(
            logs,
            data.Path,
            ("Mqtt:Url", broker.Url),
            ("Mqtt:ClientId", Worker),
            ("Mqtt:Username", Worker),
            ("Mqtt:Password", "a-wrong-password"),
            ("Mqtt:ReconnectDelayMin", "00:00:00.050"),
            ("Mqtt:ReconnectDelayMax", "00:00:02"));
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(10) };
        var state = app.Services.GetRequiredService<MqttConnectionState>();

        // Delays 50, 100, 200, 400, 800, 1600, 2000 ms (each jittered to 50-100 %): seven refusals take at most 5.15 s.
        const int Refusals = 7;
        await Poll.UntilAsync(() => RetryDelays(logs).Count >= Refusals, TimeSpan.FromSeconds(90), () => logs.Dump());
        var delays = RetryDelays(logs);
        var refusal = logs.Count("MqttIngestService", "failed: ");
        var ready = await ReadyAsync(http);
        output.WriteLine($"{delays.Count} refusals so far, retry delays {string.Join(", ", delays.Select(static d => d.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)))} ms; /readyz {ready.Status} mqtt {ready.Mqtt}");

        Assert.Equal(0, state.Connects);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Equal("Unhealthy", ready.Mqtt);
        Assert.True(logs.Count("MqttIngestService", "NotAuthorized") + logs.Count("MqttIngestService", "BadUserNameOrPassword") >= Refusals, "refused by the broker, not a network error:\n" + logs.Dump());

        // Backoff: each delay at least doubles before jitter (0.5-1 of it), so every second one is longer, up to the cap.
        for (var i = 0; i + 2 < Refusals; i++)
        {
            Assert.True(delays[i + 2] > delays[i], $"delay {i + 2} ({delays[i + 2]}) longer than delay {i} ({delays[i]})");
        }

        Assert.All(delays, static d => Assert.InRange(d, TimeSpan.FromMilliseconds(25), TimeSpan.FromSeconds(2)));

        // Still retrying: once the broker accepts the password the worker connects and is ready.
        await broker.StopAsync();
        Passwd(Path.Combine(broker.Directory, "passwd"), Worker, "a-wrong-password");
        await broker.StartAgainAsync();
        await Poll.UntilAsync(async () => (await ReadyAsync(http)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), () => logs.Dump());
        Assert.Equal(1, state.Connects);
        await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task BrokerRestartedWithoutPersistence_NoSessionKept_WorkerSubscribesAgain_FramesAfterItProcessed()
    {
        const int Frames = 40;
        await using var broker = await MosquittoBroker.StartAsync(static (dir, port) => $"""
            user root
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            max_queued_messages 0
            log_dest stderr
            log_type error
            log_type warning
            log_type notice
            connection_messages true
            """);
        await using var server = await ServerHost.StartAsync(("Mqtt:Url", broker.Url), ("Mqtt:ClientId", "worker-no-session"));
        var state = server.Services.GetRequiredServiceOf<MqttConnectionState>();
        var processed = new ConcurrentQueue<uint>();
        using var subscription = server.Pipeline.Frames.Subscribe(f => processed.Enqueue(f.Header.Sequence));
        await using var device = new Device("resident-nosession", new MqttConnectionSettings("127.0.0.1", broker.Port), new MotionScript().Stand(60), seed: 3);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        await device.PublishAsync(Frames, TimeSpan.Zero, cts.Token);
        await Poll.UntilAsync(() => processed.Count >= Frames, TimeSpan.FromSeconds(60), () => $"processed {processed.Count} of {Frames} before the restart");
        var connects = state.Connects;

        // Without persistence the restarted broker knows neither the worker's session nor its subscriptions.
        await broker.RestartAsync(TimeSpan.FromMilliseconds(300));
        await Poll.UntilAsync(() => state.IsConnected && state.Connects > connects, TimeSpan.FromSeconds(60), () => $"worker connects {state.Connects}; broker log:\n{broker.Log}");
        Assert.True(server.Logs.Count("MqttIngestService", "(session present: False)") >= 2, "the broker kept no session:\n" + server.Logs.Dump());

        await device.PublishAsync(Frames, TimeSpan.Zero, cts.Token);
        await Poll.UntilAsync(() => processed.Count >= 2 * Frames, TimeSpan.FromSeconds(60), () => $"processed {processed.Count} of {2 * Frames} after the restart; broker log:\n{broker.Log}");

        output.WriteLine($"processed {processed.Count}; worker connects {state.Connects}; subscribed lines {server.Logs.Count("MqttIngestService", "Subscribed to")}");
        Assert.Equal(Enumerable.Range(0, 2 * Frames).Select(static i => (uint)i), processed.ToArray());
        Assert.Equal(2 * state.Connects, server.Logs.Count("MqttIngestService", "Subscribed to"));
    }

    [Fact]
    public async Task EmbeddedBroker_ListensOnItsBindAddressOnly()
    {
        var port = ServerHost.FreePort();
        await using var server = await ServerHost.StartAsync(
            ("Mqtt:Url", string.Empty),
            ("Mqtt:EmbeddedPort", port.ToString(CultureInfo.InvariantCulture)),
            ("Mqtt:EmbeddedBindAddress", "127.0.0.2"),
            ("Mqtt:ClientId", "worker-bind"));

        // The worker itself connected there (the server is ready), and so does anyone else.
        Assert.True(server.Services.GetRequiredServiceOf<MqttConnectionState>().IsConnected);
        Assert.Null(await ConnectErrorAsync(IPAddress.Parse("127.0.0.2"), port));

        // Other local addresses on the same port: nothing listens.
        Assert.Equal(SocketError.ConnectionRefused, await ConnectErrorAsync(IPAddress.Loopback, port));
        if (Socket.OSSupportsIPv6)
        {
            Assert.Equal(SocketError.ConnectionRefused, await ConnectErrorAsync(IPAddress.IPv6Loopback, port));
        }
    }

    private static async Task<SocketError?> ConnectErrorAsync(IPAddress address, int port)
    {
        using var client = new TcpClient(address.AddressFamily);
        try
        {
            await client.ConnectAsync(address, port).WaitAsync(TimeSpan.FromSeconds(10));
            return null;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode;
        }
    }

    private static async Task<(HttpStatusCode Status, string Mqtt)> ReadyAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/readyz");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var mqtt = json.RootElement.GetProperty("checks").GetProperty("mqtt").GetProperty("status").GetString() ?? string.Empty;
        return (response.StatusCode, mqtt);
    }

    /// <summary>The delays logged by the worker's refused connections ("… failed: … retrying in 00:00:00.0734567"), in order.</summary>
    private static List<TimeSpan> RetryDelays(LogCollector logs) =>
        [.. logs.Messages("MqttIngestService")
            .Select(static m => RetryIn().Match(m))
            .Where(static m => m.Success)
            .Select(static m => TimeSpan.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"failed: .*; retrying in (\S+)$")]
    private static partial Regex RetryIn();

    /// <summary>A server like <see cref="ServerHost"/>'s that is not waited for: it may never become ready.</summary>
    private static WebApplication StartUnready(LogCollector logs, string data, params (string Key, string Value)[] settings)
    {
        string[] args =
        [
            "--urls=http://127.0.0.1:0", "--Server:SummaryInterval=00:00:00", "--Ward:Enabled=false", "--Devices:AdmitUnregistered=true",
            $"--Auth:AdminPassword={ServerHost.AdminPassword}", $"--Server:DataDirectory={data}", $"--Influx:JournalDirectory={Path.Combine(data, "journal")}",
            .. settings.Select(static s => $"--{s.Key}={s.Value}"),
        ];
        return StabilityServer.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddProvider(logs);
        });
    }

    private static void Passwd(string file, string user, string password)
    {
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/mosquitto_passwd", ["-c", "-b", file, user, password]) { UseShellExecute = false, RedirectStandardError = true })!;
        Assert.True(process.WaitForExit(10_000), "mosquitto_passwd hung");
        Assert.True(process.ExitCode == 0, "mosquitto_passwd failed: " + process.StandardError.ReadToEnd());
    }
}
