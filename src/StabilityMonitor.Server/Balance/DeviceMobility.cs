using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Signal;

namespace StabilityMonitor.Server.Balance;

/// <summary>One device's tracker and ledger, and the recording of a live balance test when one is running.</summary>
internal sealed class DeviceMobility
{
    private AccelSample[]? _capture;

    public DeviceMobility(MobilityOptions options, int ledgerDays, RawSampleWriter? raw = null)
    {
        Ledger = new MobilityLedger(ledgerDays);
        Tracker = new MobilityTracker(options, Ledger);
        Raw = raw;
    }

    /// <summary>Where the device's samples go into the raw-sample archive (post-hoc scoring), or null when none are kept.</summary>
    public RawSampleWriter? Raw { get; }

    /// <summary>Device time up to which frames have been counted (end of the last frame), Unix µs.</summary>
    public long ThroughMicros { get; set; }

    /// <summary>
    /// Frames starting before this device time were counted in the days loaded from the store (replayed after a
    /// restart): skipped so that nothing counts twice. 0 when nothing was loaded.
    /// </summary>
    public long ResumeAfterMicros { get; set; }

    public MobilityLedger Ledger { get; }

    public MobilityTracker Tracker { get; }

    public long LastSeen { get; set; }

    /// <summary>The device's place in its table's recency list (least recently heard first).</summary>
    public LinkedListNode<string>? Recency { get; init; }

    public int CaptureCount { get; private set; }

    public int CaptureRate { get; private set; }

    public long CaptureStartMicros { get; private set; }

    public bool Capturing => _capture is not null;

    public void StartCapture(int maxSamples)
    {
        _capture = new AccelSample[maxSamples];
        CaptureCount = 0;
        CaptureRate = 0;
        CaptureStartMicros = 0;
    }

    public void Capture(ReadOnlySpan<AccelSample> samples, int rate, long firstMicros)
    {
        if (_capture is null || (CaptureRate != 0 && CaptureRate != rate))
        {
            return;
        }

        if (CaptureCount == 0)
        {
            CaptureRate = rate;
            CaptureStartMicros = firstMicros;
        }

        var n = Math.Min(samples.Length, _capture.Length - CaptureCount);
        samples[..n].CopyTo(_capture.AsSpan(CaptureCount));
        CaptureCount += n;
    }

    public (AccelSample[] Samples, int Rate, long StartMicros) StopCapture()
    {
        var samples = _capture is null ? [] : _capture.AsSpan(0, CaptureCount).ToArray();
        _capture = null;
        return (samples, CaptureRate, CaptureStartMicros);
    }
}
