using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>
/// N wearables (<see cref="Device"/>: the Simulation project's emulator and a QoS 1 publisher each) with scripted
/// near-falls and falls at known device times. The same ids, seeds and start time give the same frames, so two runs
/// of a ward are the same streams. Each wearable publishes on its own connection, one frame acknowledged before the
/// next, <c>pace</c> apart (a frame holds 0.5 s of samples: 250 ms is twice real time), then goes offline.
/// </summary>
internal sealed class ScriptedWard : IAsyncDisposable
{
    private readonly List<(Device Device, MotionScript Script)> _devices;

    public ScriptedWard(string prefix, int count, MqttConnectionSettings broker, long startMicros)
    {
        _devices = [.. Enumerable.Range(0, count).Select(i =>
        {
            var script = ScriptFor(i);
            return (new Device($"{prefix}{i:D2}", broker, script, seed: 100 + i, startMicros: startMicros), script);
        })];
    }

    public IReadOnlyList<string> Ids => [.. _devices.Select(static d => d.Device.Emulator.Id)];

    /// <summary>Frames acknowledged by the broker so far, all wearables.</summary>
    public int Published => _devices.Sum(static d => d.Device.Published);

    /// <summary>Frames acknowledged by the broker so far, per wearable.</summary>
    public IReadOnlyDictionary<string, int> PublishedPerDevice =>
        _devices.ToDictionary(static d => d.Device.Emulator.Id, static d => d.Device.Published, StringComparer.Ordinal);

    /// <summary>Frames the whole run publishes.</summary>
    public int Total => _devices.Sum(d => FramesOf(d.Device, d.Script));

    /// <summary>Scripted stumbles and falls the wearables reached so far (device, kind, device time).</summary>
    public IReadOnlyList<(string Device, MotionMarker Marker)> Markers =>
        [.. _devices.SelectMany(static d => d.Device.Markers.Select(m => (d.Device.Emulator.Id, m)))];

    /// <summary>A stumble and a fall per wearable, at times that differ between wearables.</summary>
    public static MotionScript ScriptFor(int i) =>
        new MotionScript().Stand(3 + (i % 4)).Walk(5).Stumble().Walk(4).Stand(2 + (i % 3)).Walk(3).Fall(5).GetUp().Stand(3).Walk(3);

    /// <summary>Publishes every frame of every wearable, then each goes offline (a retained status on the same connection).</summary>
    public Task RunAsync(TimeSpan pace, CancellationToken cancellationToken) =>
        Task.WhenAll(_devices.Select(async d =>
        {
            await d.Device.PublishAsync(FramesOf(d.Device, d.Script), pace, cancellationToken);
            await d.Device.Publisher.DisconnectAsync(cancellationToken);
        }));

    public async ValueTask DisposeAsync()
    {
        foreach (var (device, _) in _devices)
        {
            await device.DisposeAsync();
        }
    }

    private static int FramesOf(Device device, MotionScript script) =>
        (int)Math.Ceiling(script.Seconds * device.Emulator.Options.RateHz / device.Emulator.Options.SamplesPerFrame);
}
