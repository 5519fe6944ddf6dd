using System.Diagnostics;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Streaming;

/// <summary>
/// Publishes device streams over MQTT, one connection and one loop per device, each message at its due run time
/// scaled by the speed (or as fast as possible). A publish that fails is retried after reconnecting (at least
/// once, as the firmware's outbox does), so a broker restart costs time, not data. Cancelling stops every device
/// cleanly: it publishes its offline status and disconnects.
/// </summary>
internal static class StreamRunner
{
    private static readonly TimeSpan s_shutdownTimeout = TimeSpan.FromSeconds(3);

    public static async Task<RunSummary> RunAsync(
        IReadOnlyList<IDeviceStream> streams,
        BrokerSettings settings,
        Action<IReadOnlyList<DeviceRunStats>, double>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(settings);
        var stats = streams.Select(static s => new DeviceRunStats(s.Id)).ToArray();
        var clock = Stopwatch.StartNew();
        using var stopProgress = new CancellationTokenSource();
        var progressLoop = progress is null ? Task.CompletedTask : ReportAsync(stats, clock, progress, stopProgress.Token);
        var devices = streams.Select((s, i) => RunDeviceAsync(s, stats[i], settings, clock, cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(devices).ConfigureAwait(false);
        }
        finally
        {
            await stopProgress.CancelAsync().ConfigureAwait(false);
            await progressLoop.ConfigureAwait(false);
        }

        var unfinished = stats.Where(static s => !s.Done).ToArray();
        var runSeconds = unfinished.Length > 0 ? unfinished.Min(static s => s.RunSeconds) : stats.DefaultIfEmpty().Max(static s => s?.RunSeconds ?? 0);
        progress?.Invoke(stats, clock.Elapsed.TotalSeconds);
        return new RunSummary(stats, clock.Elapsed.TotalSeconds, runSeconds, cancellationToken.IsCancellationRequested);
    }

    private static async Task ReportAsync(DeviceRunStats[] stats, Stopwatch clock, Action<IReadOnlyList<DeviceRunStats>, double> progress, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
                progress(stats, clock.Elapsed.TotalSeconds);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task RunDeviceAsync(IDeviceStream stream, DeviceRunStats stats, BrokerSettings settings, Stopwatch clock, CancellationToken cancellationToken)
    {
        // Let every loop start on the thread pool; many devices share two cores.
        await Task.Yield();
        await using var client = new MqttWearableClient(settings.Broker, settings.ClientIdPrefix + stream.Id, stream.StatusTopic);
        ReadOnlyMemory<byte> lastStatus = "{\"online\":true}"u8.ToArray();
        var dropped = false;
        try
        {
            while (stream.TryNext(out var message))
            {
                if (settings.Speed > 0)
                {
                    var wait = TimeSpan.FromSeconds(message.DueSeconds / settings.Speed) - clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();
                stats.RunSeconds = message.DueSeconds;
                if (message.Kind is OutboundKind.Connect or OutboundKind.Status)
                {
                    lastStatus = message.Payload;
                }

                switch (message.Kind)
                {
                    case OutboundKind.Drop:
                        dropped = true;
                        await client.DropAsync(cancellationToken).ConfigureAwait(false);
                        stats.Online = false;
                        Interlocked.Increment(ref stats.Drops);
                        continue;
                    case OutboundKind.Connect:
                        dropped = false;
                        break;
                    case OutboundKind.Shutdown:
                        await client.ShutdownAsync(cancellationToken).ConfigureAwait(false);
                        stats.Online = false;
                        continue;
                }

                if (dropped)
                {
                    continue;
                }

                await SendReliablyAsync(client, stream, message, lastStatus, stats, settings.AtMostOnce, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: say goodbye properly.
            if (!dropped)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(s_shutdownTimeout);
                    await client.ShutdownAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    stats.LastError = "shutdown: " + ex.Message;
                }
            }

            stats.Online = false;
            return;
        }
        catch (MqttRefusedException ex)
        {
            Interlocked.Increment(ref stats.Errors);
            stats.LastError = ex.Message;
        }

        stats.Online = false;
        stats.Done = true;
    }

    private static async Task SendReliablyAsync(
        MqttWearableClient client,
        IDeviceStream stream,
        OutboundMessage message,
        ReadOnlyMemory<byte> status,
        DeviceRunStats stats,
        bool atMostOnce,
        CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                if (client.IsConnected && message.Kind == OutboundKind.Connect)
                {
                    await client.PublishAsync(stream.StatusTopic, message.Payload, atMostOnce: false, retain: true, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref stats.Statuses);
                    return;
                }

                if (!client.IsConnected)
                {
                    await client.ConnectAsync(status, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref stats.Connects);
                    stats.Online = true;
                    if (message.Kind == OutboundKind.Connect)
                    {
                        Interlocked.Increment(ref stats.Statuses);
                        return;
                    }
                }

                switch (message.Kind)
                {
                    case OutboundKind.Frame:
                        await client.PublishAsync(stream.AccelTopic, message.Payload, atMostOnce, retain: false, cancellationToken).ConfigureAwait(false);
                        Interlocked.Increment(ref stats.Frames);
                        break;
                    case OutboundKind.Malformed:
                        await client.PublishAsync(stream.AccelTopic, message.Payload, atMostOnce, retain: false, cancellationToken).ConfigureAwait(false);
                        Interlocked.Increment(ref stats.Malformed);
                        break;
                    case OutboundKind.Status:
                        await client.PublishAsync(stream.StatusTopic, message.Payload, atMostOnce: false, retain: true, cancellationToken).ConfigureAwait(false);
                        Interlocked.Increment(ref stats.Statuses);
                        break;
                }

                Interlocked.Add(ref stats.Bytes, message.Payload.Length);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not MqttRefusedException and not OutOfMemoryException)
            {
                Interlocked.Increment(ref stats.Errors);
                stats.LastError = ex.Message;
                stats.Online = false;
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }
}
