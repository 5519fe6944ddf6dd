using System.Globalization;

namespace StabilityMonitor.FirmwareSim.Scoring;

/// <summary>Writes a <see cref="ScoreReport"/> as plain-text tables.</summary>
internal static class ScoreTableWriter
{
    public static void Write(ScoreReport report, TextWriter writer, bool details = true)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(Inv($"{report.Devices} devices, time tolerance ±{report.ToleranceS:0.##} s"));
        writer.WriteLine();
        writer.WriteLine("kind        truth  hits  misses  wrong kind  false alarms  sensitivity  95 % interval  latency median  p95     max     |Δt| median");
        foreach (var k in report.Kinds)
        {
            writer.WriteLine(Inv($"{k.Kind,-10}  {k.Truth,5}  {k.Hits,4}  {k.Misses,6}  {k.WrongKind,10}  {k.FalseAlarms,12}  {Percent(k.Sensitivity),11}  {Ci(k.SensitivityCi),13}  {Seconds(k.LatencyMedianS),14}  {Seconds(k.LatencyP95S),-6}  {Seconds(k.LatencyMaxS),-6}  {Seconds(k.TimeErrorMedianS)}"));
        }

        writer.WriteLine(Inv($"{"total",-10}  {report.Truth,5}  {report.Hits,4}  {report.Misses,6}  {report.Kinds.Sum(static k => k.WrongKind),10}  {report.FalseAlarmCount,12}"));
        writer.WriteLine("latency: decision time minus the truth's peak (device time); |Δt|: event time vs the truth's peak.");

        if (details)
        {
            var notable = report.Matches.Where(static m => m.Outcome != "hit").ToList();
            if (notable.Count > 0 || report.FalseAlarms.Count > 0)
            {
                writer.WriteLine();
                foreach (var m in notable)
                {
                    writer.WriteLine($"  {m.Outcome,-10} {m.Device} {m.Kind} ({m.Detail}) {m.Start} .. {m.End}{(m.EventKind is null ? string.Empty : " raised as " + m.EventKind)}");
                }

                foreach (var e in report.FalseAlarms)
                {
                    writer.WriteLine(Inv($"  false alarm {e.Device} {e.Kind} at {Simulation.Scenarios.GroundTruthRecord.FormatTime(e.TimeMicros)} (peak {e.PeakG:0.00} g)"));
                }
            }
        }

        if (report.Quality is { Count: > 0 } quality)
        {
            writer.WriteLine();
            writer.WriteLine("data quality (expected from the injected faults / counted by the server)");
            writer.WriteLine("device                    frames   lost      duplicates  reordered  rejected   clock jumps  late  restarts");
            foreach (var q in quality)
            {
                writer.WriteLine(Inv($"{q.Device,-24}  {q.ObservedFrames,6}   {Pair(q.ExpectedLost, q.ObservedLost),-8}  {Pair(q.ExpectedDuplicates, q.ObservedDuplicates),-10}  {Pair(q.ExpectedReordered, q.ObservedReordered),-9}  {Pair(q.ExpectedRejected, q.ObservedRejected),-9}  {Pair(q.ExpectedClockJumps, q.ObservedClockJumps),-11}  {q.ObservedLate,4}  {q.ObservedRestarts,8}{(q.Matches ? string.Empty : "  MISMATCH")}"));
            }
        }
    }

    private static string Pair(long expected, long observed) => Inv($"{expected}/{observed}");

    private static string Percent(double? value) => value is { } v ? Inv($"{v:P0}") : "-";

    private static string Ci(Evaluation.Interval? value) => value is { } v ? Inv($"[{v.Lo:0.00}, {v.Hi:0.00}]") : "-";

    private static string Seconds(double? value) => value is { } v ? Inv($"{v:0.00} s") : "-";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
