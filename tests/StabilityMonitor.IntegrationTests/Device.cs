using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.IntegrationTests;

/// <summary>A simulated wearable on a real MQTT connection: emulator + publisher.</summary>
internal sealed class Device : IAsyncDisposable
{
    public Device(string id, MqttConnectionSettings broker, IMotionPlan plan, int seed = 1, long? startMicros = null, int samplesPerFrame = 25, uint firstSequence = 0)
    {
        Emulator = new WearableEmulator(id, WearerProfile.Random(seed), plan, new WearableOptions
        {
            Seed = seed,
            StartMicros = startMicros ?? (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000),
            SamplesPerFrame = samplesPerFrame,
            FirstSequence = firstSequence,
        });
        Emulator.MarkerReached = Markers.Add;
        Publisher = new MqttDevicePublisher(id, broker, WearableEmulator.StatusPayload(true));
    }

    public WearableEmulator Emulator { get; }

    public MqttDevicePublisher Publisher { get; }

    public List<MotionMarker> Markers { get; } = [];

    public int Published { get; private set; }

    /// <summary>Publishes <paramref name="frames"/> frames, each acknowledged before the next, <paramref name="pace"/> apart.</summary>
    public async Task PublishAsync(int frames, TimeSpan pace, CancellationToken cancellationToken)
    {
        var buffer = new byte[Emulator.FrameBytes];
        for (var i = 0; i < frames; i++)
        {
            Emulator.WriteNextFrame(buffer);
            var result = await Publisher.PublishFrameAsync(buffer, cancellationToken);
            Assert.Equal(DevicePublishResult.Acknowledged, result);
            Published++;
            if (pace > TimeSpan.Zero)
            {
                await Task.Delay(pace, cancellationToken);
            }
        }
    }

    /// <summary>Publishes frames until the device time passes the script's end.</summary>
    public Task PublishScriptAsync(MotionScript script, TimeSpan pace, CancellationToken cancellationToken) =>
        PublishAsync((int)Math.Ceiling(script.Seconds * Emulator.Options.RateHz / Emulator.Options.SamplesPerFrame), pace, cancellationToken);

    public ValueTask DisposeAsync() => Publisher.DisposeAsync();
}
