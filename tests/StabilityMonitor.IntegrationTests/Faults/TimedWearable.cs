using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>
/// A real wearable (<see cref="Device"/>) with a script, noting the wall-clock moment each scripted stumble or fall
/// was published, so a test can tell how long the server took to raise it (<see cref="WaitRaisedAsync"/>).
/// </summary>
internal sealed class TimedWearable : IAsyncDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(MotionMarker Marker, TimeSpan PublishedAt)> _markers = [];

    public TimedWearable(string id, MqttConnectionSettings broker, MotionScript script, int seed, long? startMicros = null)
    {
        Script = script;
        Device = new Device(id, broker, script, seed, startMicros);
        Device.Emulator.MarkerReached = m => _markers.Add((m, _clock.Elapsed));
    }

    public Device Device { get; }

    public MotionScript Script { get; }

    public string Id => Device.Emulator.Id;

    public IReadOnlyList<(MotionMarker Marker, TimeSpan PublishedAt)> Markers => _markers;

    public Task PublishAsync(TimeSpan pace, CancellationToken cancellationToken) => Device.PublishScriptAsync(Script, pace, cancellationToken);

    /// <summary>
    /// Polls <c>/api/events</c> until the server lists an event of <paramref name="kind"/> for this wearable; returns
    /// its device time and how long after the scripted motion's frame was published it was first seen.
    /// </summary>
    public async Task<(long TimeMicros, TimeSpan Latency)> WaitRaisedAsync(HttpClient admin, string kind, MotionKind motion, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/api/events?deviceId={Id}&kind={kind}");
            var items = page.GetProperty("items");
            if (items.GetArrayLength() > 0)
            {
                var seen = _clock.Elapsed;
                var published = _markers.First(m => m.Marker.Kind == motion).PublishedAt;
                return (items[0].GetProperty("timeMicros").GetInt64(), seen - published);
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"no {kind} of {Id} within {timeout} ({_markers.Count} markers published)");
            }

            await Task.Delay(50);
        }
    }

    public ValueTask DisposeAsync() => Device.DisposeAsync();
}
