using System.Diagnostics;
using System.Text.Json;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>Runs <c>firmware-sim load</c>: connects, publishes on schedule or as a burst, waits for the injected near-falls' alerts, prints the summary.</summary>
internal static class LoadAction
{
    /// <summary>Frames of standing in the pool: two minutes at 50 Hz and 25 samples a frame.</summary>
    private const int StandingFrames = 240;

    /// <summary>Frames every device streams before its near-fall, so the server has admitted it and its filters have settled.</summary>
    private const int WarmUpFrames = 20;

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static async Task<int> ExecuteAsync(LoadSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var pool = LoadFramePool.Create(settings.RateHz, settings.SamplesPerFrame, StandingFrames, settings.Seed);
        var burst = settings.BurstFrames is not null;
        var framesPerDevice = burst ? 0 : (long)Math.Ceiling(settings.Duration.TotalMicroseconds / pool.FrameMicros);
        var nearFalls = burst ? 0 : Math.Min(settings.NearFalls, settings.Devices);
        if (nearFalls > 0 && pool.DecisionFrame < 0)
        {
            await error.WriteLineAsync("the near-fall clip is not detected by the default processor; no near-falls injected").ConfigureAwait(false);
            nearFalls = 0;
        }

        var room = framesPerDevice - WarmUpFrames - pool.NearFallFrames;
        if (nearFalls > 0 && room < 0)
        {
            var seconds = (WarmUpFrames + pool.NearFallFrames) * pool.FrameMicros / 1e6;
            await error.WriteLineAsync($"--duration is too short for near-falls: each needs {seconds:0} s").ConfigureAwait(false);
            return 2;
        }

        var devices = CreateDevices(settings, nearFalls, room);
        var startMicros = settings.StartMicros ?? (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10;
        var counters = new LoadCounters();
        var connectionCount = settings.Connections <= 0 ? devices.Length : Math.Min(settings.Connections, devices.Length);
        var connections = new LoadConnection[connectionCount];
        NearFallProbe? probe = null;
        string? hubError = null;
        try
        {
            if (nearFalls > 0 && settings.Server is { } server)
            {
                var password = settings.ServerPassword ?? string.Empty;
                try
                {
                    probe = settings.WatchEventsOnly
                        ? await EventApiProbe.StartAsync(server, settings.ServerUser, password, cancellationToken).ConfigureAwait(false)
                        : await HubAlertProbe.ConnectAsync(server, settings.ServerUser, password, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TimeoutException)
                {
                    // A server without the dashboard still has the event API; a failed sign-in fails that too, and is reported.
                    hubError = e.Message;
                    await error.WriteLineAsync($"dashboard hub not reachable ({e.Message}); polling the event API instead").ConfigureAwait(false);
                    try
                    {
                        probe = await EventApiProbe.StartAsync(server, settings.ServerUser, password, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e2) when (e2 is HttpRequestException or InvalidOperationException)
                    {
                        hubError += "; event API: " + e2.Message;
                        await error.WriteLineAsync($"event API not reachable either, latency not measured: {e2.Message}").ConfigureAwait(false);
                    }
                }
            }

            for (var c = 0; c < connectionCount; c++)
            {
                var mine = devices.Where((_, i) => i % connectionCount == c).ToArray();
                var perConnection = settings with { InFlight = Math.Min(settings.InFlight, Math.Max(2, mine.Length * 8)) };
                connections[c] = new LoadConnection(settings.ClientIdPrefix + (connectionCount == devices.Length ? mine[0].Id : $"gw{c + 1}"), mine, pool, perConnection, counters);
            }

            // Bounded parallel connects: thousands at once would time out on a small broker.
            await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, static (c, ct) => new ValueTask(c.ConnectAsync(ct))).ConfigureAwait(false);

            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            var runs = new Task[connectionCount];
            for (var c = 0; c < connectionCount; c++)
            {
                long? limit = burst ? (settings.BurstFrames!.Value / connectionCount) + (c < settings.BurstFrames.Value % connectionCount ? 1 : 0) : null;
                runs[c] = connections[c].RunAsync(started, limit, framesPerDevice, startMicros, cancellationToken);
            }

            await Task.WhenAll(runs).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

            if (probe is not null)
            {
                var waiting = Stopwatch.StartNew();
                while (probe.NearFalls.Count < nearFalls && waiting.Elapsed < settings.AlertWait)
                {
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                }
            }

            var summary = Summarise(settings, devices, probe, counters, elapsed, cpu, burst, nearFalls, connectionCount, pool) with { HubError = hubError };
            await output.WriteLineAsync(JsonSerializer.Serialize(summary, s_json)).ConfigureAwait(false);
            return counters.Errors == 0 && counters.Acked == counters.Sent ? 0 : 1;
        }
        finally
        {
            foreach (var connection in connections)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (probe is not null)
            {
                await probe.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static LoadDevice[] CreateDevices(LoadSettings settings, int nearFalls, long room)
    {
        var devices = new LoadDevice[settings.Devices];
        var width = Math.Max(5, settings.Devices.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        for (var i = 0; i < devices.Length; i++)
        {
            var id = settings.IdPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width, '0');
            devices[i] = new LoadDevice(id, DeviceId.AccelTopic(id), (i * 37) % StandingFrames, -1);
        }

        // Near-fall k starts at a known frame, spread evenly over the run, on a device of its own.
        for (var k = 0; k < nearFalls; k++)
        {
            var index = (int)((long)k * devices.Length / nearFalls);
            var start = WarmUpFrames + (room * k / nearFalls);
            devices[index] = devices[index] with { NearFallFrame = start };
        }

        return devices;
    }

    private static LoadSummary Summarise(
        LoadSettings settings, LoadDevice[] devices, NearFallProbe? probe, LoadCounters counters, TimeSpan elapsed, TimeSpan cpu,
        bool burst, int nearFalls, int connections, LoadFramePool pool)
    {
        var latencies = new List<double>();
        var processedToHubInOrder = new List<double?>();
        if (probe is not null)
        {
            foreach (var device in devices)
            {
                var sent = Volatile.Read(ref device.DecisionSentTimestamp);
                if (device.NearFallFrame >= 0 && sent != 0 && probe.NearFalls.TryGetValue(device.Id, out var seen))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sent, seen.Received).TotalMilliseconds);
                    processedToHubInOrder.Add(seen.ServerToReceived?.TotalMilliseconds);
                }
            }
        }

        // Quantile sorts its list: the stamped ones copied, the order injected kept for the summary.
        var processedToHub = processedToHubInOrder.OfType<double>().ToList();
        var acked = counters.Acked;
        var inOrder = latencies.Select(static l => Math.Round(l, 1)).ToArray();
        return new LoadSummary
        {
            Mode = burst ? "burst" : "steady",
            Devices = devices.Length,
            Connections = connections,
            Qos = settings.AtMostOnce ? 0 : 1,
            OfferedRate = burst ? null : devices.Length * 1e6 / pool.FrameMicros,
            Sent = counters.Sent,
            Acked = acked,
            Errors = counters.Errors,
            FirstError = counters.FirstError,
            DurationSeconds = Math.Round(elapsed.TotalSeconds, 3),
            Rate = Math.Round(acked / Math.Max(elapsed.TotalSeconds, 1e-9), 1),
            MaxBehindMs = Math.Round(counters.MaxBehind.TotalMilliseconds, 1),
            CpuMicrosPerFrame = Math.Round(cpu.TotalMicroseconds / Math.Max(acked, 1), 2),
            NearFallsInjected = nearFalls,
            NearFallsSeen = probe?.NearFalls.Count ?? 0,
            LatencySource = probe?.Source,
            LatencyP50Ms = Quantile(latencies, 0.5),
            LatencyP99Ms = Quantile(latencies, 0.99),
            LatencyMaxMs = latencies.Count == 0 ? null : Math.Round(latencies.Max(), 1),
            LatenciesMs = inOrder,
            ProcessedToHubP50Ms = Quantile(processedToHub, 0.5),
            ProcessedToHubP99Ms = Quantile(processedToHub, 0.99),
            ProcessedToHubMs = [.. processedToHubInOrder.Select(static p => p is { } ms ? Math.Round(ms, 1) : (double?)null)],
            NearFallsSent = [.. devices.Where(static d => d.NearFallFrame >= 0).Select(static d => new NearFallSent(d.Id, Volatile.Read(ref d.DecisionSentTimestamp)))],
        };
    }

    /// <summary>Nearest-rank quantile, ms rounded to 0.1; null without observations.</summary>
    internal static double? Quantile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var rank = (int)Math.Ceiling(q * values.Count) - 1;
        return Math.Round(values[Math.Clamp(rank, 0, values.Count - 1)], 1);
    }
}
