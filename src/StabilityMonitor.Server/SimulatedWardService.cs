using Microsoft.Extensions.Options;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.Server;

/// <summary>
/// A handful of simulated wearables, each with its own MQTT connection, publishing real binary frames on wall-clock
/// time from the shared simulation code: quiet standing, walking, an occasional stumble and, rarely, a fall.
/// </summary>
internal sealed class SimulatedWardService : BackgroundService
{
    private readonly WardOptions _options;
    private readonly MqttConnectionSettings _broker;
    private readonly Demo.WardCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SimulatedWardService(IOptions<WardOptions> options, MqttConnectionSettings broker, Demo.WardCredentials credentials, TimeProvider time, ILogger<SimulatedWardService> logger)
    {
        _credentials = credentials;
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _broker = broker;
        _time = time;
        _logger = logger;
    }

    /// <summary>The ids of the simulated wearables.</summary>
    public IReadOnlyList<string> DeviceIds => [.. Enumerable.Range(1, _options.Devices).Select(i => $"{_options.DeviceIdPrefix}{i:00}")];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var start = _time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        ServerLog.WardStarted(_logger, _options.Devices, _options.RateHz, _broker.ToString());
        var devices = DeviceIds.Select((id, i) => RunDeviceAsync(id, i, start, stoppingToken)).ToArray();
        await Task.WhenAll(devices).ConfigureAwait(false);
    }

    private async Task RunDeviceAsync(string id, int index, long startMicros, CancellationToken stoppingToken)
    {
        var seed = unchecked((_options.Seed * 7919) + index);
        var plan = new WardRoutine
        {
            NearFallProbability = _options.NearFallProbability,
            FallProbability = _options.FallProbability,
            StumbleEveryNthWalk = index == 0 ? _options.ScriptedStumbleEveryNthWalk : 0,
        };
        var emulator = new WearableEmulator(id, WearerProfile.Random(seed), plan, new WearableOptions
        {
            RateHz = _options.RateHz,
            SamplesPerFrame = _options.SamplesPerFrame,
            StartMicros = startMicros,
            Seed = seed,
        });
        emulator.MarkerReached = m => ServerLog.WardMarker(_logger, m.Kind, id, DateTimeOffset.FromUnixTimeMilliseconds(m.DeviceTimeMicros / 1000));
        var status = WearableEmulator.StatusPayload(online: true, _options.RateHz, 0.5 + (0.5 * (index % 5) / 5.0));
        // Each wearable signs in with its own account (issued at demo seeding); without one, the configured broker credentials.
        var broker = _credentials.For(id) is { } password ? _broker with { Username = id, Password = password } : _broker;
        await using var publisher = new MqttDevicePublisher(id, broker, status, _logger);
        var frame = new byte[emulator.FrameBytes];
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = emulator.NextFrameReadyMicros - (_time.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromMicroseconds(wait), _time, stoppingToken).ConfigureAwait(false);
                }

                emulator.WriteNextFrame(frame);
                await publisher.PublishFrameAsync(frame, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ServerLog.WardDeviceFailed(_logger, id, ex.Message);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await publisher.DisconnectAsync(timeout.Token).ConfigureAwait(false);
    }
}
