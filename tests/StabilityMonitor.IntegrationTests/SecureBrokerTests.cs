using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using StabilityMonitor.Mqtt;
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

        // An unknown client, a wrong password and a client without TLS are all kept out.
        Assert.NotEqual(MqttClientConnectResultCode.Success, await TryConnectAsync(tls, "intruder", "guess"));
        Assert.NotEqual(MqttClientConnectResultCode.Success, await TryConnectAsync(tls with { Username = null }, "anonymous", null));
        Assert.NotEqual(MqttClientConnectResultCode.Success, await TryConnectAsync(tls, "dev-a", "wrong-password"));
        Assert.NotEqual(MqttClientConnectResultCode.Success, await TryConnectAsync(new MqttConnectionSettings("127.0.0.1", broker.Port, Username: "dev-a", Password: DevicePassword), "dev-a", DevicePassword));

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

    private static async Task<MqttClientConnectResultCode> TryConnectAsync(MqttConnectionSettings settings, string clientId, string? password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = (settings.Username is null ? settings : settings with { Password = password }).CreateClientOptions(clientId)
            .WithTimeout(TimeSpan.FromSeconds(5))
            .Build();
        try
        {
            return (await client.ConnectAsync(options, CancellationToken.None)).ResultCode;
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or IOException)
        {
            return MqttClientConnectResultCode.UnspecifiedError;
        }
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
