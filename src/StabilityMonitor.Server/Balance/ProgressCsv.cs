using System.Globalization;
using System.Text;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// <c>GET /api/residents/{id}/progress.csv</c>: one row per week per measure (RFC 4180, header row, invariant
/// culture), with the measure's unit, direction and overall verdict repeated on each row so a spreadsheet can filter.
/// </summary>
internal static class ProgressCsv
{
    public const string Header = "resident_id,measure,unit,week_start,value,count,higher_is_better,status,slope_per_week,change,minimal_detectable_change";

    public static string Write(ResidentProgress p)
    {
        var csv = new StringBuilder().Append(Header).Append("\r\n");
        foreach (var t in p.Trends)
        {
            var (_, unit) = ProgressMeasures.Describe(t.Measure);
            foreach (var w in p.Weekly.TryGetValue(t.Measure, out var weeks) ? weeks : [])
            {
                csv.Append(CultureInfo.InvariantCulture, $"{p.Resident.Id},{t.Measure},{Quote(unit)},{w.WeekStart:yyyy-MM-dd},{Num(w.Value)},{w.Count},{(t.HigherIsBetter ? "true" : "false")},{t.Status.ToString().ToLowerInvariant()},{Num(t.SlopePerWeek)},{Num(t.Change)},{Num(t.MinimalDetectableChange)}\r\n");
            }
        }

        return csv.ToString();
    }

    private static string Num(double v) => double.IsFinite(v) ? Math.Round(v, 4).ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
