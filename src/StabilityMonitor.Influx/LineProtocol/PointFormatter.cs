using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Influx.LineProtocol;

/// <summary>
/// The storage schema (docs/storage.md) as line protocol: one method per point type, each writing into a span
/// without allocating. Timestamps are device time in microseconds (precision <c>u</c> / <c>us</c>).
/// Every method returns the length written, or -1 when the destination is too small.
/// </summary>
internal static class PointFormatter
{
    public const string EventsMeasurement = "events";
    public const string SwayMeasurement = "sway";
    public const string QualityMeasurement = "quality";

    public const string DeviceTag = "device";
    public const string FacilityTag = "facility";
    public const string KindTag = "kind";

    /// <summary>Longest note kept on an event, in characters; longer notes are cut.</summary>
    public const int MaxNoteLength = 256;

    /// <summary>Field that keeps the device's own time when the point is stored at the arrival-corrected time.</summary>
    public const string DeviceTimeField = "device_time_us";

    /// <param name="destination">Where the line goes.</param>
    /// <param name="facility">Facility tag.</param>
    /// <param name="deviceId">Device tag.</param>
    /// <param name="e">The event in device time.</param>
    /// <param name="clockShiftMicros">0, or the correction of a device clock far from the truth: the point is stored
    /// at onset + shift and the device's onset is kept in <see cref="DeviceTimeField"/>.</param>
    public static int WriteEvent(Span<byte> destination, string facility, string deviceId, in StabilityEvent e, long clockShiftMicros = 0)
    {
        var w = new LineProtocolWriter(destination);
        w.Measurement(EventsMeasurement);
        w.Tag(DeviceTag, deviceId);
        w.Tag(FacilityTag, facility);
        w.Tag(KindTag, StoreEventKinds.From(e.Kind));
        // Field keys in ordinal order, as the server prefers and InfluxDB.Client writes them.
        w.Field("decision_delay_ms", (e.DecisionTimeMicros - e.TimeMicros) / 1000f);
        if (clockShiftMicros != 0)
        {
            w.Field(DeviceTimeField, e.TimeMicros);
        }

        w.Field("duration_ms", e.DurationMs);
        w.Field("peak_accel_g", e.PeakAccelG);
        w.Field("peak_jerk_g_per_s", e.PeakJerkGPerS);
        w.Field("score", e.Score);
        w.Field("severity", (long)e.Severity);
        w.Field("tilt_change_deg", e.TiltChangeDeg);
        w.Timestamp(e.TimeMicros + clockShiftMicros);
        return w.Overflowed ? -1 : w.Length;
    }

    public static int WriteDeviceEvent(
        Span<byte> destination, string facility, string deviceId, string kind, long timeMicros, byte severity, string? note)
    {
        var w = new LineProtocolWriter(destination);
        w.Measurement(EventsMeasurement);
        w.Tag(DeviceTag, deviceId);
        w.Tag(FacilityTag, facility);
        w.Tag(KindTag, kind);
        if (!string.IsNullOrEmpty(note))
        {
            w.Field("note", note.AsSpan(0, Math.Min(note.Length, MaxNoteLength)));
        }

        w.Field("severity", (long)severity);
        w.Timestamp(timeMicros);
        return w.Overflowed ? -1 : w.Length;
    }

    /// <summary>A sway window, stamped with its end (the moment its metrics are known), plus <paramref name="clockShiftMicros"/> (see <see cref="WriteEvent"/>).</summary>
    public static int WriteWindow(Span<byte> destination, string facility, string deviceId, in SwayMetrics m, long clockShiftMicros = 0)
    {
        var w = new LineProtocolWriter(destination);
        w.Measurement(SwayMeasurement);
        w.Tag(DeviceTag, deviceId);
        w.Tag(FacilityTag, facility);
        w.Field("activity", ActivityName(m.Activity));
        w.Field("centroid_freq_hz", m.CentroidFrequencyHz);
        if (clockShiftMicros != 0)
        {
            w.Field(DeviceTimeField, m.EndMicros);
        }

        w.Field("ellipse_area95", m.EllipseArea95);
        w.Field("jerk_rms", m.JerkRms);
        w.Field("mean_velocity", m.MeanVelocity);
        w.Field("path_length", m.PathLength);
        w.Field("posture", PostureName(m.Posture));
        w.Field("rms_ap", m.RmsAp);
        w.Field("rms_ml", m.RmsMl);
        w.Field("seated", SeatedName(m.Seated));
        w.Field("tilt_deg", m.TiltDeg);
        w.Field("window_s", (m.EndMicros - m.StartMicros) / 1_000_000f);
        w.Timestamp(m.EndMicros + clockShiftMicros);
        return w.Overflowed ? -1 : w.Length;
    }

    public static int WriteQuality(Span<byte> destination, string facility, string deviceId, in DeviceQuality q)
    {
        var w = new LineProtocolWriter(destination);
        w.Measurement(QualityMeasurement);
        w.Tag(DeviceTag, deviceId);
        w.Tag(FacilityTag, facility);
        w.Field("battery_pct", q.BatteryPercent);
        w.Field("decode_errors", (long)q.DecodeErrors);
        w.Field("gaps", (long)q.Gaps);
        w.Field("rate_hz", q.SampleRateHz);
        w.Field("samples", (long)q.Samples);
        w.Timestamp(q.TimeMicros);
        return w.Overflowed ? -1 : w.Length;
    }

    public static string PostureName(Posture posture) => posture switch
    {
        Posture.Upright => "upright",
        Posture.Inclined => "inclined",
        Posture.Lying => "lying",
        _ => "unknown",
    };

    public static string SeatedName(SitStand seated) => seated switch
    {
        SitStand.Standing => "standing",
        SitStand.Sitting => "sitting",
        _ => "unknown",
    };

    public static string ActivityName(Activity activity) => activity switch
    {
        Activity.Still => "still",
        Activity.Moving => "moving",
        Activity.Walking => "walking",
        _ => "unknown",
    };
}
