using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using MQTTnet;
using MQTTnet.Protocol;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Benchmarks;

/// <summary>
/// The bare MQTTnet client receiving QoS 1 messages of a frame's size from a local mosquitto, its handler doing
/// nothing: the floor of what the library costs per message, which the server's ingestion is compared with.
/// Each iteration queues <see cref="Messages"/> messages for the subscriber's persistent session (mosquitto_pub, another
/// process, so its allocations do not count), then the measured part connects, receives them all, and disconnects.
/// Results are per message.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class MqttReceiveBenchmark
{
    public const int Messages = 20_000;

    private const string ClientId = "bench-bare-sub";
    private const string Topic = "wearables/bench-00001/accel";

    private TempDirectory? _dir;
    private Process? _broker;
    private int _port;
    private IMqttClient? _client;
    private MqttClientOptions? _options;
    private string _lines = string.Empty;
    private long _received;
    private readonly SemaphoreSlim _done = new(0);

    [GlobalSetup]
    public void Setup()
    {
        _dir = new TempDirectory("sm-bench-mqtt-");
        _port = FreePort.Next();
        var config = _dir.Sub("mosquitto.conf");
        var root = Environment.UserName == "root" ? "user root\n" : string.Empty;
        File.WriteAllText(config, $"{root}listener {_port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nmax_inflight_messages 0\n");
        _broker = Process.Start(new ProcessStartInfo("/usr/sbin/mosquitto", ["-c", config]) { UseShellExecute = false, RedirectStandardError = true })!;
        WaitForPort(_port);

        // A line of a 25-sample frame's length (170 bytes); mosquitto_pub -l sends each line as one message.
        _lines = _dir.Sub("messages.txt");
        File.WriteAllLines(_lines, Enumerable.Repeat(new string('x', 170), Messages));

        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += _ =>
        {
            if (Interlocked.Increment(ref _received) == Messages)
            {
                _done.Release();
            }

            return Task.CompletedTask;
        };
        var prepare = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithClientId(ClientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCleanStart(true).WithSessionExpiryInterval(3600).Build();
        _client.ConnectAsync(prepare).GetAwaiter().GetResult();
        _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topic, MqttQualityOfServiceLevel.AtLeastOnce).Build()).GetAwaiter().GetResult();
        _client.DisconnectAsync().GetAwaiter().GetResult();
        _options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithClientId(ClientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCleanStart(false).WithSessionExpiryInterval(3600)
            .WithReceiveMaximum(2048).Build();
    }

    [IterationSetup]
    public void QueueMessages()
    {
        Interlocked.Exchange(ref _received, 0);
        var start = new ProcessStartInfo("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-q", "1", "-t", Topic, "-l"])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        using var publisher = Process.Start(start)!;
        using (var input = File.OpenRead(_lines))
        {
            input.CopyTo(publisher.StandardInput.BaseStream);
        }

        publisher.StandardInput.Close();
        publisher.WaitForExit();
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public long ReceiveQueued()
    {
        _client!.ConnectAsync(_options!).GetAwaiter().GetResult();
        if (!_done.Wait(TimeSpan.FromSeconds(120)))
        {
            throw new TimeoutException($"received {Interlocked.Read(ref _received)} of {Messages}");
        }

        _client.DisconnectAsync().GetAwaiter().GetResult();
        return Interlocked.Read(ref _received);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client?.Dispose();
        if (_broker is { HasExited: false })
        {
            _broker.Kill();
            _broker.WaitForExit();
        }

        _broker?.Dispose();
        _dir?.Dispose();
        _done.Dispose();
    }

    private static void WaitForPort(int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                using var socket = new TcpClient();
                socket.Connect("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new TimeoutException($"mosquitto did not listen on {port}");
    }
}
