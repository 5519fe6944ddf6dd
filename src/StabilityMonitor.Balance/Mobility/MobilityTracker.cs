using StabilityMonitor.Signal;

namespace StabilityMonitor.Balance.Mobility;

/// <summary>
/// Everyday mobility of one waist-worn device from its sample stream (docs/balance.md): per-second posture
/// (lying, sitting, standing, walking), walking bouts with cadence and gait regularity, sit/stand transitions and
/// quiet-standing sway, delivered to an <see cref="IMobilitySink"/>. Not thread-safe: one caller per device, in
/// device-time order. Buffers are sized when the sample rate is first seen or changes; nothing is allocated per sample.
/// </summary>
public sealed class MobilityTracker
{
    private const double RestSeconds = 0.5;
    private const double RestConfirmSeconds = 0.5;

    /// <summary>Largest change of the gravity direction between consecutive 0.5 s windows at rest, degrees (6°/s).</summary>
    private const double MaxRestTurnDeg = 3;
    private const int MinBoutEpochs = 3;
    private const int SwayWindowEpochs = 10;
    private const int SwayHopEpochs = 5;
    private const int LyingEpochsBeforeSitting = 10;

    // The turn limit as a cosine: the rest test compares cosines rather than taking an arccosine per sample.
    private static readonly double s_cosMaxRestTurn = Math.Cos(MaxRestTurnDeg * Math.PI / 180);

    // The gait window and its mean-removed copy, filled and read within one UpdateGait: a thread's, not a tracker's.
    [ThreadStatic]
    private static float[]? t_gaitBuffer;

    private readonly MobilityOptions _options;
    private readonly IMobilitySink _sink;

    private int _rate;
    private int _factor;
    private float _analysisRate;
    private int _epochSamples;
    private int _restSamples;
    private AnalysisRing? _ring;
    private int _gaitWindow;

    private long _segmentStartMicros;
    private long _expectedNextMicros;
    private bool _segmentOpen;

    private float _blockX;
    private float _blockY;
    private float _blockZ;
    private int _blockCount;

    private double _epochX;
    private double _epochY;
    private double _epochZ;
    private double _epochM;
    private double _epochM2;
    private int _epochCount;

    private double _restSum;
    private double _restSum2;
    private double _restX;
    private double _restY;
    private double _restZ;
    private int _restRun;
    private double _previousX;
    private double _previousY;
    private double _previousZ;
    private int _restConfirmSamples;
    private long _restEndIndex = -1;
    private float _restEndPitch;

    private float _upX;
    private float _upY;
    private float _upZ;
    private bool _uprightKnown;
    private bool _uprightFromWalking;
    private int _walkingRun;

    private SeatedState _state;
    private int _lyingEpochs;

    private GaitEstimate _gait;
    private float _gaitThreshold;
    private StepTimer _stepTimer;
    private long _boutStartMicros;
    private int _boutEpochs;
    private double _boutSteps;
    private double _boutStepRegularity;
    private double _boutStrideRegularity;

    private int _stillStandingRun;
    private int _epochsSinceSway;

    public MobilityTracker(MobilityOptions options, IMobilitySink sink)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _sink = sink;
    }

    /// <summary>What the transitions seen so far say (for tests and diagnostics).</summary>
    internal SeatedState State => _state;

    /// <summary>Whether an upright direction has been learned from walking (else from the first rest, provisionally).</summary>
    public bool UprightFromWalking => _uprightFromWalking;

    /// <summary>
    /// Feeds consecutive samples at <paramref name="sampleRateHz"/>, the first at <paramref name="firstSampleMicros"/>
    /// (device time). A jump in device time or a new rate starts a new segment: filters and the open bout end there;
    /// the learned upright direction and the sitting/standing state are kept.
    /// </summary>
    public void Process(ReadOnlySpan<AccelSample> samples, int sampleRateHz, long firstSampleMicros)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRateHz, 1);
        if (sampleRateHz != _rate)
        {
            Configure(sampleRateHz);
        }
        else if (_segmentOpen && Math.Abs(firstSampleMicros - _expectedNextMicros) > _options.MaxTimeSlipMicros)
        {
            EndSegment();
        }

        if (!_segmentOpen)
        {
            _segmentOpen = true;
            _segmentStartMicros = firstSampleMicros;
        }

        foreach (ref readonly var s in samples)
        {
            _blockX += s.X;
            _blockY += s.Y;
            _blockZ += s.Z;
            if (++_blockCount == _factor)
            {
                AddAnalysisSample(_blockX / _factor, _blockY / _factor, _blockZ / _factor);
                _blockX = _blockY = _blockZ = 0;
                _blockCount = 0;
            }
        }

        _expectedNextMicros = firstSampleMicros + (samples.Length * 1_000_000L / sampleRateHz);
    }

    /// <summary>Ends the open walking bout (end of a recording, or a long silence of the device).</summary>
    public void Flush() => EndBout();

    private void Configure(int rate)
    {
        EndSegment();
        _rate = rate;
        _factor = Math.Max(1, rate / _options.AnalysisRateHz);
        _analysisRate = rate / (float)_factor;
        _epochSamples = Math.Max(1, (int)MathF.Round(_analysisRate));
        _restSamples = Math.Max(3, (int)Math.Round(RestSeconds * _analysisRate));
        _restConfirmSamples = Math.Max(1, (int)Math.Round(RestConfirmSeconds * _analysisRate));
        _gaitWindow = (int)Math.Round(_options.GaitWindowSeconds * _analysisRate);

        // As long as the longest look back: the quiet-standing sway window, the gait window, or a transition (its
        // longest movement, the confirmed rest after it and half a rest window before it, see OnRestOnset). A longer
        // ring changes nothing: no reader looks further back.
        var transition = (int)Math.Floor(_options.MaxTransitionSeconds * _analysisRate) + _restConfirmSamples + _restSamples + (_restSamples / 2);
        _ring = new AnalysisRing(Math.Max(8, Math.Max(SwayWindowEpochs * _epochSamples, Math.Max(_gaitWindow, transition + 1))));
    }

    private void EndSegment()
    {
        EndBout();
        _segmentOpen = false;
        _ring?.Clear();
        _blockX = _blockY = _blockZ = 0;
        _blockCount = 0;
        _epochX = _epochY = _epochZ = _epochM = _epochM2 = 0;
        _epochCount = 0;
        _restSum = _restSum2 = _restX = _restY = _restZ = _previousX = _previousY = _previousZ = 0;
        _restRun = 0;
        _restEndIndex = -1;
        _gait = default;
        _stepTimer.Reset();
        _stillStandingRun = 0;
        _epochsSinceSway = 0;
        _walkingRun = 0;
    }

    private long TimeOf(long analysisIndex) => _segmentStartMicros + (analysisIndex * _factor * 1_000_000L / _rate);

    private void AddAnalysisSample(float x, float y, float z)
    {
        var ring = _ring!;
        ring.Add(x, y, z);
        var i = ring.Count - 1;
        var m = ring.Magnitude(i);

        _restSum += m;
        _restSum2 += m * m;
        _restX += x;
        _restY += y;
        _restZ += z;
        var k = _restSamples;
        if (i >= k)
        {
            var old = ring.Magnitude(i - k);
            var (ox, oy, oz) = ring.Vector(i - k);
            _restSum -= old;
            _restSum2 -= old * old;
            _restX -= ox;
            _restY -= oy;
            _restZ -= oz;
            _previousX += ox;
            _previousY += oy;
            _previousZ += oz;
        }

        if (i >= 2 * k)
        {
            var (ox, oy, oz) = ring.Vector(i - (2 * k));
            _previousX -= ox;
            _previousY -= oy;
            _previousZ -= oz;
        }

        if (i >= k - 1)
        {
            var mean = _restSum / k;
            var std = Math.Sqrt(Math.Max(0, (_restSum2 / k) - (mean * mean)));
            // A rest is quiet and not turning (a slow rise keeps the magnitude smooth but still rotates the trunk),
            // and counts once it has lasted RestConfirmSeconds beyond its first window, so a movement that is quiet
            // for a moment midway is not cut in two.
            var turning = i >= (2 * k) - 1 && TurnsMoreThan(_restX, _restY, _restZ, _previousX, _previousY, _previousZ, s_cosMaxRestTurn);
            _restRun = std < _options.RestStdG && !turning ? _restRun + 1 : 0;
            if (_restRun >= _restConfirmSamples)
            {
                var (rx, ry, rz) = ((float)(_restX / k), (float)(_restY / k), (float)(_restZ / k));
                var pitch = ForwardPitch(rx, ry, rz);
                if (_restRun == _restConfirmSamples)
                {
                    OnRestOnset(i - _restConfirmSamples + 1, i, Inclination(rx, ry, rz), pitch);
                }

                _restEndIndex = i;
                _restEndPitch = pitch;
            }
        }

        _stepTimer.Update(m, i, _analysisRate, _gait.Walking ? _gait.StepSeconds : 0, _gaitThreshold);

        _epochX += x;
        _epochY += y;
        _epochZ += z;
        _epochM += m;
        _epochM2 += m * m;
        if (++_epochCount == _epochSamples)
        {
            EndEpoch(i);
        }
    }

    /// <param name="index">First sample whose quiet window begins the rest.</param>
    /// <param name="now">The sample that confirmed the rest (the ring's newest).</param>
    /// <param name="inclination">Inclination of the rest from upright, degrees.</param>
    /// <param name="pitch">Forward pitch of the rest, degrees.</param>
    private void OnRestOnset(long index, long now, float inclination, float pitch)
    {
        var ring = _ring!;
        if (_restEndIndex < 0 || !_uprightKnown)
        {
            return;
        }

        var movementStart = _restEndIndex;
        var movementEnd = index - _restSamples + 1;
        var from = movementStart - (_restSamples / 2);
        if (movementEnd - movementStart > _options.MaxTransitionSeconds * _analysisRate || !ring.Holds(from))
        {
            return;
        }

        // Only the change the state allows is looked for: sitting down when not sitting, rising when sitting.
        if (_state != SeatedState.Sitting)
        {
            var drop = VerticalDisplacement.HeightChange(ring, from, now + 1, _analysisRate, projected: true);
            if (drop > -_options.MinTransitionHeightM || inclination >= _options.LyingDeg)
            {
                return;
            }

            if (pitch > _options.MaxSittingPitchDeg)
            {
                _state = SeatedState.Lowered;
            }
            else
            {
                _state = SeatedState.Sitting;
                _sink.OnTransition(new PostureTransition(TimeOf(movementStart), TimeOf(movementEnd), TransitionKind.StandToSit, drop, Timed: true));
            }

            return;
        }

        var rise = VerticalDisplacement.HeightChange(ring, from, now + 1, _analysisRate, projected: false);
        if (rise >= _options.MinTransitionHeightM)
        {
            if (_restEndPitch <= _options.MaxSittingPitchDeg)
            {
                _sink.OnTransition(new PostureTransition(TimeOf(movementStart), TimeOf(movementEnd), TransitionKind.SitToStand, rise, Timed: true));
            }

            _state = SeatedState.Standing;
        }
    }

    private void EndEpoch(long lastIndex)
    {
        var n = _epochCount;
        var startMicros = TimeOf(lastIndex - n + 1);
        var gx = (float)(_epochX / n);
        var gy = (float)(_epochY / n);
        var gz = (float)(_epochZ / n);
        var meanM = _epochM / n;
        var still = Math.Sqrt(Math.Max(0, (_epochM2 / n) - (meanM * meanM))) < _options.StillStdG;
        _epochX = _epochY = _epochZ = _epochM = _epochM2 = 0;
        _epochCount = 0;

        UpdateGait();
        var walking = _gait.Walking;
        UpdateUpright(gx, gy, gz, walking, still);
        var inclination = Inclination(gx, gy, gz);

        MobilityPosture posture;
        if (walking)
        {
            if (_state == SeatedState.Sitting)
            {
                // Rose and walked off without a rest to time the rise from: count it, untimed.
                _sink.OnTransition(new PostureTransition(startMicros, startMicros, TransitionKind.SitToStand, float.NaN, Timed: false));
            }

            _state = SeatedState.Standing;
            _lyingEpochs = 0;
            posture = MobilityPosture.Walking;
        }
        else if (_uprightKnown && inclination >= _options.LyingDeg)
        {
            _lyingEpochs++;
            posture = MobilityPosture.Lying;
        }
        else
        {
            if (_lyingEpochs >= LyingEpochsBeforeSitting)
            {
                // Up from lying without walking: sitting up (bed edge) until a rise or walking says otherwise.
                _state = SeatedState.Sitting;
            }

            _lyingEpochs = 0;
            posture = _state switch
            {
                SeatedState.Sitting => MobilityPosture.Sitting,
                SeatedState.Standing or SeatedState.Lowered => MobilityPosture.Standing,
                _ => MobilityPosture.Unknown,
            };
        }

        var epochSeconds = n / _analysisRate;
        var steps = walking ? epochSeconds / _gait.StepSeconds : 0f;
        if (walking)
        {
            if (_boutEpochs == 0)
            {
                _boutStartMicros = startMicros;
                _stepTimer.ResetBout();
            }

            _boutEpochs++;
            _boutSteps += steps;
            _boutStepRegularity += _gait.StepRegularity;
            _boutStrideRegularity += _gait.StrideRegularity;
        }
        else
        {
            EndBout();
        }

        _sink.OnEpoch(new MobilityEpoch(startMicros, posture, _uprightKnown ? inclination : float.NaN, still, steps));

        _stillStandingRun = posture == MobilityPosture.Standing && still ? _stillStandingRun + 1 : 0;
        _epochsSinceSway++;
        var swaySamples = SwayWindowEpochs * _epochSamples;
        if (_stillStandingRun >= SwayWindowEpochs && _epochsSinceSway >= SwayHopEpochs && _ring!.Holds(lastIndex + 1 - swaySamples))
        {
            _epochsSinceSway = 0;
            var from = lastIndex + 1 - swaySamples;
            _sink.OnQuietStanding(SwayWindowMeasure.Measure(_ring, from, lastIndex + 1, _analysisRate, TimeOf(from)));
        }
    }

    private void UpdateGait()
    {
        var ring = _ring!;
        var n = _gaitWindow;
        if (ring.Count < n)
        {
            _gait = default;
            return;
        }

        var buffer = t_gaitBuffer;
        if (buffer is null || buffer.Length < 5 * n)
        {
            // Once per thread (and window length): not per epoch. The vectors, then the window and its scratch.
            t_gaitBuffer = buffer = new float[5 * n];
        }

        var xyz = buffer.AsSpan(2 * n, 3 * n);
        ring.CopyTo(ring.Count - n, xyz);
        var window = buffer.AsSpan(0, n);
        double sum = 0, sum2 = 0;
        for (var j = 0; j < n; j++)
        {
            var m = AnalysisRing.MagnitudeAt(xyz, 3 * j);
            window[j] = m;
            sum += m;
            sum2 += m * m;
        }

        var mean = sum / n;
        var std = Math.Sqrt(Math.Max(0, (sum2 / n) - (mean * mean)));
        _gaitThreshold = (float)(mean + (0.5 * std));
        _gait = GaitAutocorrelation.Analyse(window, buffer.AsSpan(n, n), _analysisRate, _options);
    }

    private void UpdateUpright(float gx, float gy, float gz, bool walking, bool still)
    {
        var norm = MathF.Sqrt((gx * gx) + (gy * gy) + (gz * gz));
        if (norm < 0.5f)
        {
            return;
        }

        var (ux, uy, uz) = (gx / norm, gy / norm, gz / norm);
        _walkingRun = walking ? _walkingRun + 1 : 0;
        if (walking && _walkingRun >= 3)
        {
            if (!_uprightFromWalking)
            {
                // Walking is surely upright: this replaces the provisional reference.
                (_upX, _upY, _upZ) = (ux, uy, uz);
                _uprightFromWalking = true;
                _uprightKnown = true;
            }
            else
            {
                var (x, y, z) = (_upX + (0.05f * (ux - _upX)), _upY + (0.05f * (uy - _upY)), _upZ + (0.05f * (uz - _upZ)));
                var n = MathF.Sqrt((x * x) + (y * y) + (z * z));
                (_upX, _upY, _upZ) = (x / n, y / n, z / n);
            }
        }
        else if (!_uprightKnown && still)
        {
            // Provisional: a device is put on standing more often than not; walking corrects it.
            (_upX, _upY, _upZ) = (ux, uy, uz);
            _uprightKnown = true;
        }
    }

    /// <summary>
    /// Forward pitch of the trunk from upright, degrees (backward negative): the angle of gravity about the
    /// medio-lateral axis, forward being the device's <see cref="MobilityOptions.ApAxis"/> made horizontal.
    /// </summary>
    private float ForwardPitch(float gx, float gy, float gz)
    {
        if (!_uprightKnown)
        {
            return 0;
        }

        var (ax, ay, az) = _options.ApAxis switch { 0 => (1f, 0f, 0f), 1 => (0f, 1f, 0f), _ => (0f, 0f, 1f) };
        var along = (ax * _upX) + (ay * _upY) + (az * _upZ);
        (ax, ay, az) = (ax - (along * _upX), ay - (along * _upY), az - (along * _upZ));
        var n = MathF.Sqrt((ax * ax) + (ay * ay) + (az * az));
        if (n < 0.3f)
        {
            return 0;
        }

        // Leaning forward tips the forward axis down, so gravity's reading along it falls.
        var forward = -((gx * ax) + (gy * ay) + (gz * az)) / n;
        var up = (gx * _upX) + (gy * _upY) + (gz * _upZ);
        return MathF.Atan2(forward, up) * (180f / MathF.PI);
    }

    /// <summary>
    /// Whether the angle between a and b exceeds the one whose cosine is <paramref name="cosLimit"/> (a zero vector
    /// turns by nothing). The same test as comparing the arccosine in degrees, up to the last bit of rounding.
    /// </summary>
    private static bool TurnsMoreThan(double ax, double ay, double az, double bx, double by, double bz, double cosLimit)
    {
        var norms = Math.Sqrt(((ax * ax) + (ay * ay) + (az * az)) * ((bx * bx) + (by * by) + (bz * bz)));
        return norms > 0 && ((ax * bx) + (ay * by) + (az * bz)) / norms < cosLimit;
    }

    private float Inclination(float gx, float gy, float gz)
    {
        if (!_uprightKnown)
        {
            return 0;
        }

        var norm = MathF.Sqrt((gx * gx) + (gy * gy) + (gz * gz));
        if (norm < 1e-6f)
        {
            return 0;
        }

        var cos = Math.Clamp(((gx * _upX) + (gy * _upY) + (gz * _upZ)) / norm, -1f, 1f);
        return MathF.Acos(cos) * (180f / MathF.PI);
    }

    private void EndBout()
    {
        if (_boutEpochs >= MinBoutEpochs)
        {
            var seconds = _boutEpochs * (_epochSamples / _analysisRate);
            var step = (float)(_boutStepRegularity / _boutEpochs);
            var stride = (float)(_boutStrideRegularity / _boutEpochs);
            _sink.OnWalkingBout(new WalkingBout(
                _boutStartMicros,
                _boutStartMicros + (long)(seconds * 1e6),
                (float)_boutSteps,
                (float)(_boutSteps / seconds * 60),
                step,
                stride,
                stride > 0 ? step / stride : float.NaN,
                _stepTimer.CoefficientOfVariation));
        }

        _boutEpochs = 0;
        _boutSteps = 0;
        _boutStepRegularity = 0;
        _boutStrideRegularity = 0;
    }
}
