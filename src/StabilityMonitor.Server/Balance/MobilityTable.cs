using Microsoft.Extensions.Options;
using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// The pipeline's <see cref="IFrameObserver"/> for balance and mobility: one <see cref="DeviceMobility"/> per device,
/// at most <see cref="BalanceOptions.MaxDevices"/>, read by the API under the same lock. Per frame: a dictionary lookup,
/// a move in the recency list, the tracker and a record for the raw-sample archive, nothing allocated (a new device
/// allocates once).
/// </summary>
/// <remarks>
/// When the table is full a new device takes the place of the least recently heard one only if that one has been
/// silent for <see cref="BalanceOptions.DeviceIdleTimeout"/>; else the new device is not tracked (counted in
/// <see cref="Untracked"/>). Evicting a device heard a moment ago would bring it back on its next frame, evicting
/// another: with more streaming wearables than the bound, an eviction on every frame.
/// </remarks>
internal sealed class MobilityTable(IOptions<BalanceOptions> options, TimeProvider time, RawSampleArchive archive) : IFrameObserver
{
    private readonly BalanceOptions _options = options.Value;
    private readonly Dictionary<string, DeviceMobility> _devices = new(StringComparer.Ordinal);

    // Least recently heard first; each device holds its node, so a frame moves it to the end without allocating.
    private readonly LinkedList<string> _recency = new();
    private readonly Lock _lock = new();
    private long _oldestTrackedMicros = long.MinValue;
    private long _oldestComputedTicks = long.MinValue / 2;
    private long _untracked;

    /// <summary>Frames of new devices not tracked because the table was full of devices heard recently.</summary>
    public long Untracked => Interlocked.Read(ref _untracked);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _devices.Count;
            }
        }
    }

    /// <summary>The devices held.</summary>
    public List<string> DeviceIds()
    {
        lock (_lock)
        {
            return [.. _devices.Keys];
        }
    }

    public void OnFrame(string deviceId, in FrameHeader header, ReadOnlySpan<AccelSample> samples, bool established)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow().UtcTicks;
            if (now - _oldestComputedTicks > TimeSpan.TicksPerMinute)
            {
                _oldestComputedTicks = now;
                var today = (now - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerDay;
                _oldestTrackedMicros = (today - _options.LedgerDays + 1) * 86_400_000_000L;
            }

            if (!_devices.TryGetValue(deviceId, out var device))
            {
                // Only devices past the pipeline's probation get a tracker: ids that send a frame or two (a flood of
                // random ids) would otherwise churn this table and scan it for the oldest on every new id.
                if (!established)
                {
                    return;
                }

                if (!TryMakeRoom(force: false))
                {
                    Interlocked.Increment(ref _untracked);
                    return;
                }

                device = Add(deviceId);
            }

            device.LastSeen = time.GetTimestamp();
            MoveToNewest(device);
            device.Raw?.Add(header, samples);
            if (header.DeviceTimeMicros < device.ResumeAfterMicros)
            {
                // Counted before the restart (the days loaded from the store hold it): a replayed frame.
                return;
            }

            if (header.DeviceTimeMicros < _oldestTrackedMicros)
            {
                // Older than the days loaded from the store at start: counting it here would make a partial copy of a
                // stored day, and writing that copy would replace the stored one. (Still kept raw, for scoring.)
                return;
            }

            device.ThroughMicros = Math.Max(device.ThroughMicros, header.EndTimeMicros);
            device.Tracker.Process(samples, header.SampleRateHz, header.DeviceTimeMicros);
            if (device.Capturing)
            {
                device.Capture(samples, header.SampleRateHz, header.DeviceTimeMicros);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> over the devices' days (merged, oldest first) under the table's lock (the days
    /// are live objects); null when none of the devices has been heard.
    /// </summary>
    public T? Read<T>(IEnumerable<string> deviceIds, long? fromMicros, long? toMicros, Func<IReadOnlyList<MobilityDay>, T> read)
        where T : class
    {
        lock (_lock)
        {
            var days = new List<MobilityDay>();
            var any = false;
            foreach (var id in deviceIds)
            {
                if (_devices.TryGetValue(id, out var device))
                {
                    any = true;
                    days.AddRange(Within(device.Ledger.Days, fromMicros, toMicros));
                }
            }

            return any ? read([.. days.OrderBy(static d => d.DayNumber)]) : null;
        }
    }

    /// <summary>
    /// Copies of the devices' days within [<paramref name="firstDay"/>, <paramref name="lastDay"/>] (day numbers), per
    /// device; a device not held is absent.
    /// </summary>
    public Dictionary<string, List<MobilityDayState>> ReadStates(IEnumerable<string> deviceIds, long firstDay, long lastDay)
    {
        lock (_lock)
        {
            var result = new Dictionary<string, List<MobilityDayState>>(StringComparer.Ordinal);
            foreach (var id in deviceIds)
            {
                if (_devices.TryGetValue(id, out var device))
                {
                    result[id] = [.. device.Ledger.Days.Where(d => d.DayNumber >= firstDay && d.DayNumber <= lastDay).Select(static d => d.ToState())];
                }
            }

            return result;
        }
    }

    /// <summary>
    /// Lets the devices' ledgers go of the days before yesterday that <paramref name="written"/> (device, day → revision
    /// stored) holds as they are (<see cref="MobilityLedger.ReleaseStored"/>); all devices, or those named.
    /// </summary>
    public int ReleaseStored(IReadOnlyDictionary<(string, long), int> written, IEnumerable<string>? deviceIds = null)
    {
        lock (_lock)
        {
            var released = 0;
            foreach (var id in deviceIds ?? _devices.Keys)
            {
                if (_devices.TryGetValue(id, out var device))
                {
                    released += device.Ledger.ReleaseStored((day, revision) => written.TryGetValue((id, day), out var r) && r == revision);
                }
            }

            return released;
        }
    }

    /// <summary>
    /// The days whose revision differs from <paramref name="written"/> (device, day → revision last stored), as copies
    /// with the device's <see cref="DeviceMobility.ThroughMicros"/>; <paramref name="written"/> is not changed.
    /// </summary>
    public List<(string DeviceId, MobilityDayState Day, int Revision, long ThroughMicros)> ChangedDays(IReadOnlyDictionary<(string, long), int> written)
    {
        lock (_lock)
        {
            var changed = new List<(string, MobilityDayState, int, long)>();
            foreach (var (id, device) in _devices)
            {
                foreach (var day in device.Ledger.Days)
                {
                    if (day.Revision > 0 && (!written.TryGetValue((id, day.DayNumber), out var revision) || revision != day.Revision))
                    {
                        changed.Add((id, day.ToState(), day.Revision, device.ThroughMicros));
                    }
                }
            }

            return changed;
        }
    }

    /// <summary>
    /// Adds the days stored before a restart to the device's ledger and skips frames before
    /// <paramref name="throughMicros"/> from now on (they were counted in those days); returns the days' revisions.
    /// </summary>
    public List<(long Day, int Revision)> Load(string deviceId, IEnumerable<MobilityDayState> days, long throughMicros)
    {
        lock (_lock)
        {
            if (!_devices.TryGetValue(deviceId, out var device))
            {
                // Days stored before a restart: the last loaded win over the first when there are more than fit.
                TryMakeRoom(force: true);
                device = Add(deviceId);
                device.LastSeen = time.GetTimestamp();
            }

            foreach (var day in days)
            {
                device.Ledger.Merge(day);
            }

            device.ResumeAfterMicros = Math.Max(device.ResumeAfterMicros, throughMicros);
            device.ThroughMicros = Math.Max(device.ThroughMicros, throughMicros);
            return [.. device.Ledger.Days.Select(static d => (d.DayNumber, d.Revision))];
        }
    }

    /// <summary>Starts recording a live balance test from <paramref name="deviceId"/>; false when the device has not been heard.</summary>
    public bool StartCapture(string deviceId)
    {
        lock (_lock)
        {
            if (!_devices.TryGetValue(deviceId, out var device))
            {
                return false;
            }

            // Sized for the longest test at the fastest rate a frame may declare.
            device.StartCapture(_options.MaxTestSeconds * 200);
            return true;
        }
    }

    public (AccelSample[] Samples, int Rate, long StartMicros)? StopCapture(string deviceId)
    {
        lock (_lock)
        {
            return _devices.TryGetValue(deviceId, out var device) && device.Capturing ? device.StopCapture() : null;
        }
    }

    private DeviceMobility Add(string deviceId)
    {
        var device = new DeviceMobility(_options.Mobility, _options.LedgerDays, archive.Enabled ? new RawSampleWriter(deviceId, archive) : null)
        {
            Recency = _recency.AddLast(deviceId),
        };
        _devices.Add(deviceId, device);
        return device;
    }

    private void MoveToNewest(DeviceMobility device)
    {
        var node = device.Recency!;
        if (node.Next is not null)
        {
            _recency.Remove(node);
            _recency.AddLast(node);
        }
    }

    private static IEnumerable<MobilityDay> Within(IReadOnlyList<MobilityDay> days, long? fromMicros, long? toMicros)
    {
        const long MicrosPerDay = 86_400_000_000L;
        var first = fromMicros is { } f ? f / MicrosPerDay : long.MinValue;
        var last = toMicros is { } t ? (t - 1) / MicrosPerDay : long.MaxValue;
        return days.Where(d => d.DayNumber >= first && d.DayNumber <= last);
    }

    /// <summary>
    /// Below the bound: true. Full: drops the least recently heard device (O(1), the head of the recency list) when it
    /// has been silent for <see cref="BalanceOptions.DeviceIdleTimeout"/> or when <paramref name="force"/>d, never
    /// one recording a live test.
    /// </summary>
    private bool TryMakeRoom(bool force)
    {
        if (_devices.Count < _options.MaxDevices)
        {
            return true;
        }

        if (_recency.First is not { } oldest)
        {
            return false;
        }

        var device = _devices[oldest.Value];
        if (device.Capturing || (!force && time.GetElapsedTime(device.LastSeen) < _options.DeviceIdleTimeout))
        {
            return false;
        }

        _recency.Remove(oldest);
        _devices.Remove(oldest.Value);
        return true;
    }
}
