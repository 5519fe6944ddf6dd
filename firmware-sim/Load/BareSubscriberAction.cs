using System.Diagnostics;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>
/// <c>firmware-sim bare-sub</c>: an MQTTnet subscriber that only counts, the ceiling the server is compared with. It
/// reports its own CPU and allocation per message: the floor of what the MQTT library costs.
/// </summary>
internal static class BareSubscriberAction
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static async Task<int> ExecuteAsync(BareSubscriberSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        long received = 0;
        long first = 0;
        long last = 0;
        using var done = new SemaphoreSlim(0);
        var process = Process.GetCurrentProcess();
        var warmUp = settings.WarmUp;
        var cpuBefore = TimeSpan.Zero;
        long allocatedBefore = 0;
        client.ApplicationMessageReceivedAsync += e =>
        {
            var now = Stopwatch.GetTimestamp();
            var count = Interlocked.Increment(ref received) - warmUp;
            if (count == 0)
            {
                // The warm-up is over: the figures count from here, and whoever waits for it is told (stderr).
                cpuBefore = CpuNow(process);
                allocatedBefore = GC.GetTotalAllocatedBytes(false);
                error.WriteLine($"{{\"warm\":{warmUp}}}");
                error.Flush();
            }
            else if (count == 1)
            {
                Volatile.Write(ref first, now);
            }

            if (count > 0)
            {
                Volatile.Write(ref last, now);
            }

            if (settings.Expect is { } expect && count == expect)
            {
                done.Release();
            }

            return Task.CompletedTask;
        };

        var options = settings.Broker.CreateClientOptions(settings.ClientId)
            .WithCleanStart(settings.Prepare)
            .WithSessionExpiryInterval((uint)settings.SessionExpiry.TotalSeconds)
            .WithReceiveMaximum(settings.ReceiveMaximum)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .Build();
        var qos = settings.AtMostOnce ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce;
        if (warmUp == 0)
        {
            cpuBefore = CpuNow(process);
            allocatedBefore = GC.GetTotalAllocatedBytes(false);
        }

        var connected = Stopwatch.GetTimestamp();
        var result = await client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            await error.WriteLineAsync($"the broker refused '{settings.ClientId}': {result.ResultCode}").ConfigureAwait(false);
            return 1;
        }

        if (settings.Prepare || !result.IsSessionPresent)
        {
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(settings.Topic, qos).Build(), cancellationToken).ConfigureAwait(false);
        }

        if (settings.Prepare)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"{{\"prepared\":\"{settings.ClientId}\"}}").ConfigureAwait(false);
            return 0;
        }

        var timedOut = false;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await done.WaitAsync(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            var lastSeen = Volatile.Read(ref last);
            if (settings.Expect is null && lastSeen != 0 && Stopwatch.GetElapsedTime(lastSeen) > settings.Idle)
            {
                break;
            }

            if (clock.Elapsed > settings.Timeout)
            {
                timedOut = true;
                break;
            }
        }

        var cpu = CpuNow(process) - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(false) - allocatedBefore;
        var count = Math.Max(0, Interlocked.Read(ref received) - warmUp);
        var span = count > 1 ? Stopwatch.GetElapsedTime(Volatile.Read(ref first), Volatile.Read(ref last)) : TimeSpan.Zero;
        var summary = new BareSubscriberSummary
        {
            Received = count,
            TimedOut = timedOut,
            FirstToLastSeconds = Math.Round(span.TotalSeconds, 3),
            ConnectToLastSeconds = count == 0 ? 0 : Math.Round(Stopwatch.GetElapsedTime(connected, Volatile.Read(ref last)).TotalSeconds, 3),
            Rate = span > TimeSpan.Zero ? Math.Round((count - 1) / span.TotalSeconds, 1) : 0,
            CpuMicrosPerMessage = count == 0 ? 0 : Math.Round(cpu.TotalMicroseconds / count, 2),
            AllocatedBytesPerMessage = count == 0 ? 0 : Math.Round((double)allocated / count, 1),
            WorkingSetBytes = process.WorkingSet64,
            WarmUp = warmUp,
        };
        await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
        await output.WriteLineAsync(JsonSerializer.Serialize(summary, s_json)).ConfigureAwait(false);
        return timedOut ? 1 : 0;
    }

    private static TimeSpan CpuNow(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }
}
