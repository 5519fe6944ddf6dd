namespace StabilityMonitor.Balance.Mobility;

/// <summary>
/// A device's mobility by day: an <see cref="IMobilitySink"/> that keeps the last <see cref="MaxDays"/> days of
/// device time (the oldest day object is recycled, so memory is bounded) and summarises any range of them.
/// Days the store holds as they are, before yesterday, can be let go (<see cref="ReleaseStored"/>): a server with a
/// store keeps about two days a wearable in memory rather than <see cref="MaxDays"/>. Not thread-safe.
/// </summary>
public sealed class MobilityLedger : IMobilitySink
{
    private const long MicrosPerDay = 86_400_000_000L;

    private readonly int _maxDays;

    // The days held, in no order, at most one for each day number modulo _maxDays (the slot that day had in a ring of
    // _maxDays): grown as days begin, so a wearable whose older days the store holds keeps a small array, not _maxDays slots.
    private MobilityDay?[] _days = new MobilityDay?[2];

    // Days up to this one were let go once stored: one begun again from nothing would replace the stored one.
    private long _releasedThrough = long.MinValue;

    public MobilityLedger(int maxDays = 35)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDays, 1);
        _maxDays = maxDays;
    }

    public int MaxDays => _maxDays;

    /// <summary>Days held, oldest first.</summary>
    public IReadOnlyList<MobilityDay> Days => [.. _days.OfType<MobilityDay>().OrderBy(static d => d.DayNumber)];

    public void OnEpoch(in MobilityEpoch epoch) => DayAt(epoch.StartMicros)?.Add(epoch);

    public void OnWalkingBout(in WalkingBout bout) => DayAt(bout.StartMicros)?.Add(bout);

    public void OnTransition(in PostureTransition transition) => DayAt(transition.StartMicros)?.Add(transition);

    public void OnQuietStanding(in QuietStandingSway sway) => DayAt(sway.StartMicros)?.Add(sway);

    /// <summary>
    /// Adds a stored day to the ledger (the part of the day counted before a restart); false when the day is older
    /// than the days kept.
    /// </summary>
    public bool Merge(MobilityDayState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (DayAt(state.DayNumber * MicrosPerDay) is not { } day)
        {
            return false;
        }

        day.Merge(state);
        return true;
    }

    /// <summary>Summary of the days overlapping [<paramref name="fromMicros"/>, <paramref name="toMicros"/>) (whole days); all days when null.</summary>
    public MobilitySummary Summarize(long? fromMicros = null, long? toMicros = null)
    {
        var first = fromMicros is { } f ? Math.DivRem(f, MicrosPerDay).Quotient : long.MinValue;
        var last = toMicros is { } t ? (t - 1) / MicrosPerDay : long.MaxValue;
        return Summarize(Days.Where(d => d.DayNumber >= first && d.DayNumber <= last).ToList());
    }

    /// <summary>Summary of the given days (merged sums and histograms).</summary>
    public static MobilitySummary Summarize(IReadOnlyList<MobilityDay> days)
    {
        var cadence = new long[MobilityDay.CadenceBins];
        var durations = new long[MobilityDay.DurationBins];
        double steps = 0, boutSeconds = 0, regularity = 0, symmetry = 0, cvSum = 0, logRms = 0, jerk = 0, ellipse = 0, velocity = 0;
        int bouts = 0, cvBouts = 0, rises = 0, sits = 0, swayWindows = 0;
        var seconds = new long[5];
        long observed = 0;
        foreach (var d in days)
        {
            for (var p = 0; p < seconds.Length; p++)
            {
                seconds[p] += d.SecondsIn((MobilityPosture)p);
            }

            observed += d.ObservedSeconds;
            steps += d.Steps;
            bouts += d.Bouts;
            boutSeconds += d.BoutSeconds;
            regularity += d.StrideRegularitySeconds;
            symmetry += d.SymmetrySeconds;
            cvSum += d.StepTimeCvSum;
            cvBouts += d.StepTimeCvBouts;
            rises += d.SitToStands;
            sits += d.StandToSits;
            swayWindows += d.SwayWindows;
            logRms += d.SwayLogRmsSum;
            jerk += d.SwayJerkSum;
            ellipse += d.SwayEllipseSum;
            velocity += d.SwayVelocitySum;
            for (var i = 0; i < cadence.Length; i++)
            {
                cadence[i] += d.CadenceHistogram[i];
            }

            for (var i = 0; i < durations.Length; i++)
            {
                durations[i] += d.DurationHistogram[i];
            }
        }

        return new MobilitySummary
        {
            From = days.Count > 0 ? days[0].Date : null,
            To = days.Count > 0 ? days[^1].Date : null,
            Days = days.Count,
            ObservedMinutes = observed / 60.0,
            WalkingMinutes = seconds[(int)MobilityPosture.Walking] / 60.0,
            StandingMinutes = seconds[(int)MobilityPosture.Standing] / 60.0,
            SittingMinutes = seconds[(int)MobilityPosture.Sitting] / 60.0,
            LyingMinutes = seconds[(int)MobilityPosture.Lying] / 60.0,
            UnknownMinutes = seconds[(int)MobilityPosture.Unknown] / 60.0,
            Steps = Math.Round(steps),
            WalkingBouts = bouts,
            CadenceSpm = HistogramMedian(cadence, MobilityDay.CadenceMin, 1),
            StrideRegularity = boutSeconds > 0 ? regularity / boutSeconds : double.NaN,
            Symmetry = boutSeconds > 0 ? symmetry / boutSeconds : double.NaN,
            StepTimeCv = cvBouts > 0 ? cvSum / cvBouts : double.NaN,
            SitToStandCount = rises,
            SitToStandMedianSeconds = HistogramMedian(durations, 0.5 * MobilityDay.DurationBinSeconds, MobilityDay.DurationBinSeconds),
            StandToSitCount = sits,
            QuietStandingSway = swayWindows == 0
                ? new SwaySummary(0, double.NaN, double.NaN, double.NaN, double.NaN)
                : new SwaySummary(swayWindows, Math.Exp(logRms / swayWindows), jerk / swayWindows, ellipse / swayWindows, velocity / swayWindows),
        };
    }

    /// <summary>Median of a histogram whose bin i stands for <paramref name="origin"/> + i × <paramref name="width"/>; NaN when empty.</summary>
    internal static double HistogramMedian(long[] counts, double origin, double width)
    {
        var total = counts.Sum();
        if (total == 0)
        {
            return double.NaN;
        }

        // The lower median for even counts, averaged with the next value: a plain median over the binned values.
        long seen = 0;
        int? lower = null;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (lower is null && seen >= (total + 1) / 2)
            {
                lower = i;
            }

            if (seen >= (total / 2) + 1)
            {
                return origin + ((lower!.Value + i) * width / 2);
            }
        }

        return origin + (lower!.Value * width);
    }

    /// <summary>
    /// Lets go of the days older than the day before the newest held whose current revision the store holds
    /// (<paramref name="stored"/>: day number, revision). Nothing is added to them afterwards: the stream is in device
    /// time order, and a contribution that still comes (a device clock set back) is dropped rather than begin a day
    /// that would replace the stored one. Returns how many were let go.
    /// </summary>
    public int ReleaseStored(Func<long, int, bool> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var newest = long.MinValue;
        foreach (var d in _days)
        {
            if (d is not null)
            {
                newest = Math.Max(newest, d.DayNumber);
            }
        }

        var released = 0;
        for (var i = 0; i < _days.Length; i++)
        {
            if (_days[i] is { } d && d.DayNumber < newest - 1 && stored(d.DayNumber, d.Revision))
            {
                _days[i] = null;
                _releasedThrough = Math.Max(_releasedThrough, d.DayNumber);
                released++;
            }
        }

        return released;
    }

    private long Residue(long day) => ((day % _maxDays) + _maxDays) % _maxDays;

    private MobilityDay? DayAt(long micros)
    {
        var day = Math.DivRem(micros, MicrosPerDay).Quotient;
        if (day <= _releasedThrough)
        {
            return null;
        }

        var residue = Residue(day);
        var free = -1;
        MobilityDay? held = null;
        for (var i = 0; i < _days.Length; i++)
        {
            if (_days[i] is not { } d)
            {
                free = free < 0 ? i : free;
            }
            else if (Residue(d.DayNumber) == residue)
            {
                held = d;
                break;
            }
        }

        if (held is null)
        {
            if (free < 0)
            {
                free = _days.Length;
                Array.Resize(ref _days, Math.Min(_maxDays, 2 * _days.Length));
            }

            return _days[free] = new MobilityDay(day);
        }

        if (held.DayNumber == day)
        {
            return held;
        }

        if (held.DayNumber > day)
        {
            // Older than anything kept: a late replay of a day already dropped.
            return null;
        }

        held.Reset(day);
        return held;
    }
}
