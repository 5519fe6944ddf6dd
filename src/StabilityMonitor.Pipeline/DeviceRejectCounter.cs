using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace StabilityMonitor.Pipeline;

/// <summary>Rejected frames per device id, counted on the receive handler's thread (ids beyond the device limit are not tracked).</summary>
internal sealed class DeviceRejectCounter
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox<long>>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _max;

    public DeviceRejectCounter(IOptions<PipelineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _max = options.Value.MaxDevices;
        _lookup = _counts.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public void Add(ReadOnlySpan<char> deviceId)
    {
        if (!_lookup.TryGetValue(deviceId, out var box))
        {
            if (_counts.Count >= _max)
            {
                return;
            }

            box = _counts.GetOrAdd(deviceId.ToString(), static _ => new StrongBox<long>());
        }

        Interlocked.Increment(ref box.Value);
    }

    public long Get(string deviceId) => _counts.TryGetValue(deviceId, out var box) ? Interlocked.Read(ref box.Value) : 0;
}
