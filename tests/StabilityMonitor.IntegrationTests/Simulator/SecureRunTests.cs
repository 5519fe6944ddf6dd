using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StabilityMonitor.FirmwareSim.Run;
using StabilityMonitor.FirmwareSim.Streaming;
using StabilityMonitor.Mqtt;

namespace StabilityMonitor.IntegrationTests.Simulator;

/// <summary><c>firmware-sim run</c> against a TLS broker with accounts: a test CA, a server certificate, a password file.</summary>
public sealed class SecureRunTests
{
    private const string DevicePassword = "sim-secret";
    private const string WorkerPassword = "worker-secret";

    [Fact]
    public async Task Run_OverTlsWithCredentials_ReachesTheServer_AndAWrongPasswordIsReportedNotRetriedForever()
    {
        await using var broker = await MosquittoBroker.StartAsync(
            static (dir, port) => $"""
                user root
                listener {port} 127.0.0.1
                certfile {dir}/server.crt
                keyfile {dir}/server.key
                allow_anonymous false
                password_file {dir}/passwd
                persistence false
                log_dest stderr
                log_type error
                log_type warning
                """,
            Prepare);
        var ca = Path.Combine(broker.Directory, "ca.crt");
        await using var server = await ServerHost.StartAsync(
            ("Mqtt:Url", $"mqtts://localhost:{broker.Port}"),
            ("Mqtt:CaCertificatePath", ca),
            ("Mqtt:Username", "worker"),
            ("Mqtt:Password", WorkerPassword),
            ("Mqtt:ClientId", "worker-sim-tls"));
        var truth = Path.Combine(broker.Directory, "truth.jsonl");
        var tls = new MqttConnectionSettings("localhost", broker.Port, UseTls: true, CaCertificatePath: ca, Username: "sim", Password: DevicePassword);
        var settings = new RunSettings
        {
            Devices = 2,
            DurationSeconds = 10,
            Seed = 4,
            GroundTruthPath = truth,
            Quiet = true,
            Broker = new BrokerSettings(tls, "tls-", Speed: 0),
        };
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await RunAction.ExecuteAsync(settings, output, error, CancellationToken.None).WaitAsync(SimulatorHarness.Timeout);

        Assert.True(code == RunAction.Success, output + "\n" + error + "\n" + broker.Log);
        await Poll.UntilAsync(() => server.Pipeline.GetDevice("sim-02") is { Online: false, Quality.Frames: 20 }, SimulatorHarness.Timeout, server.Logs.Dump);
        Assert.Equal(20, server.Pipeline.GetDevice("sim-01")!.Quality.Frames);
        Assert.True(File.Exists(truth));

        // A wrong password: the broker refuses, the run says so and ends instead of retrying for ever.
        var clock = Stopwatch.StartNew();
        using var refusedOutput = new StringWriter();
        using var refusedError = new StringWriter();
        var refused = await RunAction.ExecuteAsync(
            settings with { Broker = settings.Broker with { Broker = tls with { Password = "wrong" } } },
            refusedOutput,
            refusedError,
            CancellationToken.None).WaitAsync(SimulatorHarness.Timeout);

        Assert.Equal(RunAction.Failed, refused);
        Assert.Contains("refused", refusedOutput.ToString(), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Empty(server.Logs.Errors);
    }

    private static void Prepare(string dir)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Simulator Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(2));

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.Create(ca, now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));

        File.WriteAllText(Path.Combine(dir, "ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "server.crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "server.key"), key.ExportPkcs8PrivateKeyPem());
        Passwd(dir, "-c", "worker", WorkerPassword);
        Passwd(dir, null, "sim", DevicePassword);
    }

    private static void Passwd(string dir, string? create, string user, string password)
    {
        var args = new List<string>();
        if (create is not null)
        {
            args.Add(create);
        }

        args.AddRange(["-b", Path.Combine(dir, "passwd"), user, password]);
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/mosquitto_passwd", args) { UseShellExecute = false, RedirectStandardError = true })!;
        Assert.True(process.WaitForExit(10_000) && process.ExitCode == 0, process.StandardError.ReadToEnd());
    }
}
