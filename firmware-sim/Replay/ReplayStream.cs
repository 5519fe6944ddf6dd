using System.Globalization;
using System.Text;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.FirmwareSim.Streaming;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Replay;

/// <summary>
/// A recording published as if a wearable sent it live: connect with a retained status, one binary frame per
/// <see cref="FrameSamples"/> samples (due when its last sample was taken), then a clean shutdown. With the
/// recording's own rate and half-second frames the frames are exactly those of <see cref="RecordingFramer"/>,
/// i.e. what the offline <c>evaluate</c> feeds its processor.
/// </summary>
internal sealed class ReplayStream : IDeviceStream
{
    private readonly Recording _recording;
    private readonly Recording _labelled;
    private readonly long _startMicros;
    private int _offset;
    private uint _sequence;
    private int _state;

    /// <param name="deviceId">Device id to publish as.</param>
    /// <param name="recording">The samples to send (possibly resampled).</param>
    /// <param name="startMicros">Device clock of the first sample, Unix µs.</param>
    /// <param name="frameSamples">Samples per frame; default half a second.</param>
    /// <param name="labelled">The recording as read (before resampling): its labels index its own samples.</param>
    public ReplayStream(string deviceId, Recording recording, long startMicros, int? frameSamples = null, Recording? labelled = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        _labelled = labelled ?? recording;
        if (!DeviceId.IsValid(deviceId))
        {
            throw new ArgumentException($"'{deviceId}' is not a valid device id.", nameof(deviceId));
        }

        Id = deviceId;
        _recording = recording;
        _startMicros = startMicros;
        FrameSamples = frameSamples ?? RecordingFramer.FrameSize(recording.SampleRateHz);
        AccelTopic = DeviceId.AccelTopic(deviceId);
        StatusTopic = DeviceId.StatusTopic(deviceId);
    }

    public string Id { get; }

    public string AccelTopic { get; }

    public string StatusTopic { get; }

    public int FrameSamples { get; }

    public Recording Recording => _recording;

    public double? EndSeconds => _recording.DurationSeconds;

    public bool TryNext(out OutboundMessage message)
    {
        var rate = _recording.SampleRateHz;
        switch (_state)
        {
            case 0:
                _state = 1;
                var status = string.Create(CultureInfo.InvariantCulture, $"{{\"online\":true,\"battery\":1.00,\"firmware\":\"replay\",\"rate\":{rate}}}");
                message = new OutboundMessage(OutboundKind.Connect, 0, Encoding.UTF8.GetBytes(status));
                return true;
            case 1 when _offset < _recording.Samples.Length:
            {
                var count = Math.Min(FrameSamples, _recording.Samples.Length - _offset);
                var header = new FrameHeader((ushort)rate, _recording.RangeG, (ushort)count, _sequence, RecordingFramer.SampleTimeMicros(_startMicros, _offset, rate));
                var payload = new byte[BinaryFrameCodec.GetEncodedLength(count)];
                BinaryFrameCodec.Encode(header, _recording.Samples.AsSpan(_offset, count), payload);
                _offset += count;
                message = new OutboundMessage(OutboundKind.Frame, _offset / (double)rate, payload, _sequence++);
                return true;
            }

            case 1:
                _state = 2;
                message = new OutboundMessage(OutboundKind.Shutdown, _recording.DurationSeconds, ReadOnlyMemory<byte>.Empty);
                return true;
            default:
                message = default;
                return false;
        }
    }

    /// <summary>
    /// The recording's labels as ground truth on this device's clock: sisfall-enhanced FALL segments (falls), ALERT
    /// segments of a near-fall trial, CSV label runs; without per-sample labels the whole recording carries the
    /// trial's kind. Every recording also gets an <c>activity</c> record spanning it, so false alarms in ADL count.
    /// </summary>
    public IReadOnlyList<GroundTruthRecord> GroundTruth(string?[]? labels = null)
    {
        var rate = _labelled.SampleRateHz;
        long Time(int index) => RecordingFramer.SampleTimeMicros(_startMicros, index, rate);
        var records = new List<GroundTruthRecord>
        {
            new(Id, GroundTruthRecord.Activity, Time(0), Time(_labelled.Samples.Length)) { Detail = _labelled.Code, Source = _labelled.File },
        };
        var kindLabel = _labelled.Kind == TrialKind.Fall ? GroundTruthRecord.Fall : GroundTruthRecord.NearFall;
        if (labels is not null)
        {
            foreach (var (start, end, label) in Runs(labels))
            {
                records.Add(new GroundTruthRecord(Id, label, Time(start), Time(end)) { Detail = _labelled.Code, Source = _labelled.File });
            }
        }
        else if (_labelled.Kind != TrialKind.Adl)
        {
            var segments = _labelled.Annotation is { } annotation
                ? (_labelled.Kind == TrialKind.Fall ? annotation.FallSegments : annotation.AlertSegments)
                : [];
            if (segments.Count > 0)
            {
                // One truth item per trial: from the first to the last labelled segment.
                records.Add(new GroundTruthRecord(Id, kindLabel, Time(segments[0].Start), Time(segments[^1].End)) { Detail = _labelled.Code, Source = _labelled.File });
            }
            else
            {
                records.Add(new GroundTruthRecord(Id, kindLabel, Time(0), Time(_labelled.Samples.Length)) { Detail = _labelled.Code, Source = _labelled.File });
            }
        }

        return records;
    }

    private static IEnumerable<(int Start, int End, string Label)> Runs(string?[] labels)
    {
        var start = -1;
        string? current = null;
        for (var i = 0; i <= labels.Length; i++)
        {
            var label = i < labels.Length ? labels[i] : null;
            if (label == current)
            {
                continue;
            }

            if (current is not null)
            {
                yield return (start, i, current);
            }

            current = label;
            start = i;
        }
    }
}
