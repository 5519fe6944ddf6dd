using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Exceptions;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.IntegrationTests;

/// <summary>
/// mosquitto run with deploy/mosquitto/mosquitto.conf and acl (paths and port rewritten to a temp dir): TLS,
/// per-device accounts, and an ACL under which a wearable can publish only to its own topics.
/// </summary>
public sealed class SecureBrokerTests
{
    private const string WorkerPassword = "worker-secret";
    private const string DevicePassword = "device-a-secret";
    private const string NodePassword = "node-secret";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task DeployConfig_TlsAndAcl_DeviceCannotImpersonateUnknownCannotConnectWorkerGetsEverything()
    {
        await using var broker = await MosquittoBroker.StartAsync(DeployConfig, Prepare);
        var ca = Path.Combine(broker.Directory, "ca.crt");
        await using var server = await ServerHost.StartAsync(
            ("Mqtt:Url", $"mqtts://127.0.0.1:{broker.Port}"),
            ("Mqtt:CaCertificatePath", ca),
            ("Mqtt:Username", "stability-worker"),
            ("Mqtt:Password", WorkerPassword),
            ("Mqtt:ClientId", "worker-secure"));
        var processed = 0;
        using var subscription = server.Pipeline.Frames.Subscribe(f => Interlocked.Increment(ref processed));
        var tls = new MqttConnectionSettings("127.0.0.1", broker.Port, UseTls: true, CaCertificatePath: ca);
        using var cts = new CancellationTokenSource(s_timeout);

        // An unknown user, an anonymous client and a wrong password are refused with the exact reason: mosquitto
        // 2.0.11 answers all three with MQTT 5 Not authorized (0x87), never Bad user name or password (0x86).
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ConnectAsync(tls with { Username = "intruder", Password = "guess" }, "intruder"));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ConnectAsync(tls, "anonymous"));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ConnectAsync(tls with { Username = "dev-a", Password = "wrong-password" }, "dev-a"));

        // Without TLS there is no MQTT answer at all: the TLS listener drops the plain CONNECT.
        var plain = new MqttConnectionSettings("127.0.0.1", broker.Port, Username: "dev-a", Password: DevicePassword);
        await Assert.ThrowsAnyAsync<MqttCommunicationException>(() => ConnectAsync(plain, "dev-a"));

        // dev-a publishes its own frames; its attempt to publish as dev-b is refused by the ACL.
        var script = new MotionScript().Stand(30);
        await using var device = new Device("dev-a", tls with { Username = "dev-a", Password = DevicePassword }, script, seed: 2);
        await device.PublishAsync(10, TimeSpan.Zero, cts.Token);
        var frame = new byte[device.Emulator.FrameBytes];
        device.Emulator.WriteNextFrame(frame);
        Assert.Equal(DevicePublishResult.Refused, await device.Publisher.PublishAsync("wearables/dev-b/accel", frame, cts.Token));
        await device.PublishAsync(10, TimeSpan.Zero, cts.Token);

        // The worker receives every frame dev-a was allowed to send (the one sent as dev-b never arrives:
        // frames of one connection arrive in order, and the later ones are all there).
        await Poll.UntilAsync(() => Volatile.Read(ref processed) >= 20, s_timeout, () => $"{processed} of 20 frames processed; broker log:\n{broker.Log}");
        Assert.Null(server.Pipeline.GetDevice("dev-b"));
        var devA = server.Pipeline.GetDevice("dev-a")!;
        Assert.Equal(20, devA.Quality.Frames);
        Assert.Equal(1, devA.Quality.Lost); // the sequence number spent on the refused frame
        Assert.True(devA.Online);
        Assert.Empty(server.Logs.Errors);
    }

    /// <summary>
    /// The cluster's accounts in deploy/ (one per node, named as its client id, one shared password): a survivor logs in as
    /// the dead node's account and consumes its session, without touching its own (docs/scale-out.md, "A node that stays
    /// down").
    /// </summary>
    [Fact]
    public async Task DeployConfig_ClusterNodeAccounts_SurvivorConsumesADeadNodesSessionAsItsAccount_KeepsItsOwn()
    {
        const int Frames = 30;
        await using var broker = await MosquittoBroker.StartAsync(DeployConfig, Prepare);
        var ca = Path.Combine(broker.Directory, "ca.crt");
        (string, string)[] Node(int n) =>
        [
            ("Mqtt:Url", $"mqtts://127.0.0.1:{broker.Port}"),
            ("Mqtt:CaCertificatePath", ca),
            ("Mqtt:ClientId", $"stability-node-{n}"),
            ("Mqtt:Username", $"stability-node-{n}"),
            ("Mqtt:Password", NodePassword),
            ("Mqtt:SharedSubscriptionGroup", "stability"),
            ("Mqtt:PeerSessionLogin", "ClientId"),
            ("Pipeline:ReorderWindow", "00:01:00"),
            ("Pipeline:MaxHeldFrames", "256"),
        ];
        await using var node2 = await ServerHost.StartAsync(Node(2));
        var node1 = await ServerHost.StartAsync(Node(1));
        await node1.DisposeAsync();

        var seen = new System.Collections.Concurrent.ConcurrentBag<uint>();
        using var subscription = node2.Pipeline.Frames.Subscribe(f => seen.Add(f.Header.Sequence));
        var tls = new MqttConnectionSettings("127.0.0.1", broker.Port, UseTls: true, CaCertificatePath: ca);
        using var cts = new CancellationTokenSource(s_timeout);
        await using var device = new Device("dev-a", tls with { Username = "dev-a", Password = DevicePassword }, new MotionScript().Walk(60), seed: 3);
        await device.PublishAsync(Frames, TimeSpan.FromMilliseconds(2), cts.Token);
        await Task.Delay(TimeSpan.FromSeconds(1), cts.Token);
        Assert.True(seen.Count < Frames, $"node 2 alone received {seen.Count} of {Frames}: node 1's share was not kept for it");

        var sessions = node2.Services.GetRequiredService<IPeerSessions>();
        sessions.Adopt("stability-node-1");
        await Poll.UntilAsync(() => seen.Count >= Frames, s_timeout, () => $"node 2 processed {seen.Count} of {Frames}; broker log:\n{broker.Log}");
        Assert.Equal(Enumerable.Range(0, Frames).Select(static i => (uint)i), seen.Order());
        Assert.Equal(["stability-node-1"], sessions.Adopted);

        // Logged in as its own account instead, the broker would have made the adoption node 2's own client id and taken
        // node 2's session from under it: its worker connected once and is still connected.
        var own = node2.Services.GetRequiredService<MqttConnectionState>();
        Assert.Equal(1, own.Connects);
        Assert.True(own.IsConnected);
    }

    /// <summary>Connects once and returns the broker's answer (MQTTnet 5 returns a refusal, it does not throw).</summary>
    private static async Task<MqttClientConnectResultCode> ConnectAsync(MqttConnectionSettings settings, string clientId)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = settings.CreateClientOptions(clientId)
            .WithTimeout(TimeSpan.FromSeconds(5))
            .Build();
        var result = await client.ConnectAsync(options, CancellationToken.None);
        Assert.Equal(result.ResultCode == MqttClientConnectResultCode.Success, client.IsConnected);
        return result.ResultCode;
    }

    private static string DeployConfig(string dir, int port)
    {
        var deployed = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "deploy", "mosquitto.conf"));
        Assert.Contains("listener 8883", deployed, StringComparison.Ordinal);
        return "user root\n" + deployed
            .Replace("/etc/stability-mosquitto", dir, StringComparison.Ordinal)
            .Replace("/var/lib/stability-mosquitto", Path.Combine(dir, "data"), StringComparison.Ordinal)
            .Replace("listener 8883", $"listener {port} 127.0.0.1", StringComparison.Ordinal);
    }

    private static void Prepare(string dir)
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "deploy", "acl"), Path.Combine(dir, "acl"));
        WriteCertificates(dir);
        var passwd = Path.Combine(dir, "passwd");
        RunPasswd("-c", "-b", passwd, "stability-worker", WorkerPassword);
        RunPasswd("-b", passwd, "dev-a", DevicePassword);
        RunPasswd("-b", passwd, "dev-b", "device-b-secret");
        RunPasswd("-b", passwd, "stability-node-1", NodePassword);
        RunPasswd("-b", passwd, "stability-node-2", NodePassword);
    }

    private static void RunPasswd(params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/mosquitto_passwd", args) { UseShellExecute = false, RedirectStandardError = true })!;
        Assert.True(process.WaitForExit(10_000), "mosquitto_passwd hung");
        Assert.True(process.ExitCode == 0, "mosquitto_passwd failed: " + process.StandardError.ReadToEnd());
    }

    private static void WriteCertificates(string dir)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=StabilityMonitor Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(2));

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.Create(ca, now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));

        Directory.CreateDirectory(Path.Combine(dir, "certs"));
        File.WriteAllText(Path.Combine(dir, "certs", "server.crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "certs", "server.key"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(dir, "ca.crt"), ca.ExportCertificatePem());
    }
}
