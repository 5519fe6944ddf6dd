namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Tells walking from other movement by the rhythm of the acceleration magnitude: steps make it
/// cross its running mean upwards once per step, at 0.35–0.85 s intervals. O(1) per sample.
/// </summary>
internal struct GaitDetector
{
    private const float Hysteresis = 0.04f;
    private const float MinStepSeconds = 0.35f;
    private const float MaxStepSeconds = 0.85f;

    private bool _above;
    private long _lastCrossing;
    private float _stepSeconds;
    private int _regularSteps;

    public void Reset() => this = default;

    public readonly void WriteState(BinaryWriter writer)
    {
        writer.Write(_above);
        writer.Write(_lastCrossing);
        writer.Write(_stepSeconds);
        writer.Write(_regularSteps);
    }

    public static GaitDetector ReadState(BinaryReader reader) => new()
    {
        _above = StateBinary.ReadBoolean(reader),
        _lastCrossing = reader.ReadInt64(),
        _stepSeconds = reader.ReadSingle(),
        _regularSteps = StateBinary.ReadInRange(reader, 0, 8, "the gait's regular steps"),
    };

    /// <summary>Feeds one sample's dynamic magnitude (magnitude minus its running mean, g); true while walking.</summary>
    public bool Update(float dynamic, long index, int rate)
    {
        if (!_above && dynamic > Hysteresis)
        {
            _above = true;
            if (_lastCrossing > 0)
            {
                var interval = (index - _lastCrossing) / (float)rate;
                var regular = interval is >= MinStepSeconds and <= MaxStepSeconds;
                _stepSeconds = _stepSeconds == 0 ? interval : (0.7f * _stepSeconds) + (0.3f * interval);
                _regularSteps = regular ? Math.Min(_regularSteps + 1, 8) : 0;
            }

            _lastCrossing = index;
        }
        else if (_above && dynamic < -Hysteresis)
        {
            _above = false;
        }

        var recent = _lastCrossing > 0 && index - _lastCrossing <= (long)(MaxStepSeconds * 1.5f * rate);
        return recent && _regularSteps >= 3 && _stepSeconds is >= MinStepSeconds and <= MaxStepSeconds;
    }
}
