using System.Globalization;
using System.Text;
using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Influx;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// A device-day as the InfluxDB point <c>mobility_day</c> (docs/balance.md, "Storage"): stamped with the day's
/// start (device time, UTC), tags <c>device</c> and <c>facility</c>, the day's sums as float fields and its two
/// histograms as sparse text (<c>bin:count</c> pairs), so a day read back merges exactly as it did in memory. The
/// same day is written again as it grows: the point with the same tags and time replaces the earlier one.
/// </summary>
internal static class MobilityDayPoint
{
    public const string Measurement = "mobility_day";

    /// <summary>Device time up to which the device's frames were counted when the point was written, Unix µs.</summary>
    public const string ThroughField = "through_us";

    private const long MicrosPerDay = 86_400_000_000L;

    private static readonly string[] s_postureFields = ["unknown_s", "lying_s", "sitting_s", "standing_s", "walking_s"];

    public static MeasurementPoint ToPoint(string facility, string deviceId, MobilityDayState d, long throughMicros)
    {
        var numbers = new List<KeyValuePair<string, double>>(32)
        {
            new(ThroughField, throughMicros),
            new("observed_s", d.ObservedSeconds),
            new("steps", d.Steps),
            new("bouts", d.Bouts),
            new("bout_s", d.BoutSeconds),
            new("stride_regularity_s", d.StrideRegularitySeconds),
            new("symmetry_s", d.SymmetrySeconds),
            new("step_time_cv_sum", d.StepTimeCvSum),
            new("step_time_cv_bouts", d.StepTimeCvBouts),
            new("sit_to_stands", d.SitToStands),
            new("stand_to_sits", d.StandToSits),
            new("sway_windows", d.SwayWindows),
            new("sway_log_rms_sum", d.SwayLogRmsSum),
            new("sway_jerk_sum", d.SwayJerkSum),
            new("sway_ellipse_sum", d.SwayEllipseSum),
            new("sway_velocity_sum", d.SwayVelocitySum),
        };
        for (var p = 0; p < s_postureFields.Length; p++)
        {
            numbers.Add(new(s_postureFields[p], d.PostureSeconds[p]));
        }

        KeyValuePair<string, string>[] texts = [new("cadence_hist", Sparse(d.CadenceHistogram)), new("rise_hist", Sparse(d.DurationHistogram))];
        return new MeasurementPoint(Measurement, facility, deviceId, [], numbers, texts, d.DayNumber * MicrosPerDay);
    }

    /// <summary>The day, and the device time its device was counted through; null for a point that is not a day.</summary>
    public static (string DeviceId, MobilityDayState Day, long ThroughMicros)? FromStored(StoredMeasurement point)
    {
        if (!point.Texts.TryGetValue("device", out var deviceId) || point.TimeMicros % MicrosPerDay != 0)
        {
            return null;
        }

        var postures = new int[MobilityDayState.Postures];
        for (var p = 0; p < postures.Length; p++)
        {
            postures[p] = Int(point, s_postureFields[p]);
        }

        var day = new MobilityDayState
        {
            DayNumber = point.TimeMicros / MicrosPerDay,
            PostureSeconds = postures,
            ObservedSeconds = Int(point, "observed_s"),
            Steps = Number(point, "steps"),
            Bouts = Int(point, "bouts"),
            BoutSeconds = Number(point, "bout_s"),
            StrideRegularitySeconds = Number(point, "stride_regularity_s"),
            SymmetrySeconds = Number(point, "symmetry_s"),
            StepTimeCvSum = Number(point, "step_time_cv_sum"),
            StepTimeCvBouts = Int(point, "step_time_cv_bouts"),
            SitToStands = Int(point, "sit_to_stands"),
            StandToSits = Int(point, "stand_to_sits"),
            SwayWindows = Int(point, "sway_windows"),
            SwayLogRmsSum = Number(point, "sway_log_rms_sum"),
            SwayJerkSum = Number(point, "sway_jerk_sum"),
            SwayEllipseSum = Number(point, "sway_ellipse_sum"),
            SwayVelocitySum = Number(point, "sway_velocity_sum"),
            CadenceHistogram = Dense(point.Texts.GetValueOrDefault("cadence_hist"), MobilityDayState.CadenceBins),
            DurationHistogram = Dense(point.Texts.GetValueOrDefault("rise_hist"), MobilityDayState.DurationBins),
        };
        return (deviceId, day, (long)Number(point, ThroughField));
    }

    internal static string Sparse(int[] counts)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
            {
                sb.Append(sb.Length == 0 ? "" : " ").Append(i.ToString(CultureInfo.InvariantCulture)).Append(':').Append(counts[i].ToString(CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    internal static int[] Dense(string? sparse, int bins)
    {
        var counts = new int[bins];
        foreach (var pair in (sparse ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0
                && int.TryParse(pair.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var bin)
                && int.TryParse(pair.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                && bin < bins)
            {
                counts[bin] = count;
            }
        }

        return counts;
    }

    private static double Number(StoredMeasurement point, string field) => point.Numbers.TryGetValue(field, out var v) ? v : 0;

    private static int Int(StoredMeasurement point, string field) => (int)Math.Round(Number(point, field));
}
