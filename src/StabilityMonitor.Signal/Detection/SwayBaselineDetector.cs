using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Detection;

/// <summary>
/// Raises <see cref="EventKind.SwayElevated"/> when quiet-standing sway (upright, not known to be sitting) stays well above the wearer's
/// own baseline. The baseline learns only from windows that are not elevated, so a slow decline
/// is still seen against where the wearer started.
/// </summary>
internal sealed class SwayBaselineDetector
{
    private readonly SwayOptions _options;
    private int _learned;
    private double _logBaseline;
    private int _consecutive;
    private bool _raised;
    private long _lastEventMicros = long.MinValue;

    public SwayBaselineDetector(SwayOptions options) => _options = options;

    /// <summary>Quiet upright windows learned so far (the baseline is trusted from <see cref="SwayOptions.BaselineWindows"/> on).</summary>
    public int LearnedWindows => _learned;

    /// <summary>The wearer's baseline sway RMS, m/s² (0 before the first window learned).</summary>
    public double BaselineRms => _learned == 0 ? 0 : Math.Exp(_logBaseline);

    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_learned);
        writer.Write(_logBaseline);
        writer.Write(_consecutive);
        writer.Write(_raised);
        writer.Write(_lastEventMicros);
    }

    public void ReadState(BinaryReader reader)
    {
        _learned = StateBinary.ReadInRange(reader, 0, int.MaxValue, "learned sway windows");
        _logBaseline = reader.ReadDouble();
        _consecutive = StateBinary.ReadInRange(reader, 0, int.MaxValue, "consecutive elevated windows");
        _raised = StateBinary.ReadBoolean(reader);
        _lastEventMicros = reader.ReadInt64();
    }

    public bool OnWindow(in SwayMetrics m, double stillFraction, out StabilityEvent stabilityEvent)
    {
        stabilityEvent = default;
        // Standing only: a seated trunk reads upright too, and its far smaller sway would lower the baseline and then
        // make ordinary standing look elevated.
        if (m.Posture != Posture.Upright || m.Seated == SitStand.Sitting || stillFraction < 0.8)
        {
            return false;
        }

        var rms = Math.Sqrt((m.RmsAp * m.RmsAp) + (m.RmsMl * m.RmsMl));
        if (rms <= 0)
        {
            return false;
        }

        var log = Math.Log(rms);
        if (_learned < _options.BaselineWindows)
        {
            _logBaseline = _learned == 0 ? log : _logBaseline + ((log - _logBaseline) / (_learned + 1));
            _learned++;
            return false;
        }

        var ratio = Math.Exp(log - _logBaseline);
        if (ratio >= _options.RaiseRatio)
        {
            _consecutive++;
        }
        else
        {
            _consecutive = 0;
            if (ratio < _options.ClearRatio)
            {
                _raised = false;
                _logBaseline += _options.BaselineAlpha * (log - _logBaseline);
            }
        }

        var refractory = (long)(_options.RefractorySeconds * 1_000_000);
        if (!_raised && _consecutive >= _options.ConsecutiveWindows && (_lastEventMicros == long.MinValue || DeviceTimeMath.Subtract(m.EndMicros, _lastEventMicros) >= refractory))
        {
            _raised = true;
            _lastEventMicros = m.EndMicros;
            var severity = ratio >= 2 * _options.RaiseRatio ? (byte)2 : (byte)1;
            stabilityEvent = new StabilityEvent(
                m.StartMicros,
                EventKind.SwayElevated,
                severity,
                (float)Math.Min(1, (ratio - 1) / (2 * _options.RaiseRatio)),
                0f,
                m.JerkRms / 9.80665f,
                (float)((m.EndMicros - m.StartMicros) / 1000.0),
                m.TiltDeg,
                m.EndMicros);
            return true;
        }

        return false;
    }
}
