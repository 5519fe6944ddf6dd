namespace StabilityMonitor.Balance.Mobility;

/// <summary>
/// Flags days well below the resident's own norm (docs/balance.md): the norm is the median of the previous up to 28
/// well-worn days (at least 7 needed), the spread 1.4826 × their median absolute deviation (a robust standard
/// deviation, floored at 10 % of the median so a very regular resident is not flagged for ordinary variation). A day
/// is flagged when it is both below half the norm and more than 2.5 robust standard deviations below it. Days worn
/// less than <see cref="MinWornHours"/> are neither flagged nor used as reference: no data is not inactivity.
/// </summary>
public static class InactivityRule
{
    public const int ReferenceDays = 28;

    public const int MinReferenceDays = 7;

    public const double MinWornHours = 12;

    public const double MaxRobustZ = -2.5;

    public const double MaxFractionOfNorm = 0.5;

    public static IReadOnlyList<InactivityFlag> Evaluate(IReadOnlyList<MobilityDay> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var worn = days.Where(static d => d.ObservedSeconds >= MinWornHours * 3600).OrderBy(static d => d.DayNumber).ToList();
        var flags = new List<InactivityFlag>();
        for (var i = MinReferenceDays; i < worn.Count; i++)
        {
            var reference = worn.Skip(Math.Max(0, i - ReferenceDays)).Take(Math.Min(i, ReferenceDays)).ToList();
            Check(worn[i], reference, "active_minutes", static d => (d.SecondsIn(MobilityPosture.Walking) + d.SecondsIn(MobilityPosture.Standing)) / 60.0, flags);
            Check(worn[i], reference, "steps", static d => d.Steps, flags);
        }

        return flags;
    }

    private static void Check(MobilityDay day, List<MobilityDay> reference, string measure, Func<MobilityDay, double> value, List<InactivityFlag> flags)
    {
        var values = reference.Select(value).ToArray();
        var norm = Robust.Median(values);
        var spread = Math.Max(1.4826 * Robust.Median([.. values.Select(v => Math.Abs(v - norm))]), 0.1 * norm);
        var v = value(day);
        if (spread <= 0)
        {
            return;
        }

        var z = (v - norm) / spread;
        if (z < MaxRobustZ && v < MaxFractionOfNorm * norm)
        {
            flags.Add(new InactivityFlag(day.Date, measure, v, norm, z));
        }
    }
}
