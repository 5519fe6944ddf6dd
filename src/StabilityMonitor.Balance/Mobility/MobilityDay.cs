namespace StabilityMonitor.Balance.Mobility;

/// <summary>
/// One device-day of mobility, kept as sums and fixed histograms so that any range of days merges exactly and a
/// day costs the same memory however active it was (about 1 KB).
/// </summary>
public sealed class MobilityDay
{
    /// <summary>Bins of the bout-cadence histogram: 1 steps/min each from 40 to 199.</summary>
    internal const int CadenceBins = 160;

    internal const int CadenceMin = 40;

    /// <summary>Bins of the sit-to-stand duration histogram: 0.1 s each from 0 to 9.9 s (longer ones in the last).</summary>
    internal const int DurationBins = 100;

    internal const double DurationBinSeconds = 0.1;

    private readonly int[] _postureSeconds = new int[5];

    public MobilityDay(long dayNumber) => DayNumber = dayNumber;

    /// <summary>Days since 1970-01-01 in device time (UTC: the device clock carries no time zone).</summary>
    public long DayNumber { get; private set; }

    public DateOnly Date => DateOnly.FromDayNumber((int)(DayNumber + DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber));

    public double Steps { get; private set; }

    public int Bouts { get; private set; }

    public double BoutSeconds { get; private set; }

    public double StrideRegularitySeconds { get; private set; }

    public double SymmetrySeconds { get; private set; }

    public double StepTimeCvSum { get; private set; }

    public int StepTimeCvBouts { get; private set; }

    public int SitToStands { get; private set; }

    public int StandToSits { get; private set; }

    public int SwayWindows { get; private set; }

    public double SwayLogRmsSum { get; private set; }

    public double SwayJerkSum { get; private set; }

    public double SwayEllipseSum { get; private set; }

    public double SwayVelocitySum { get; private set; }

    internal ushort[] CadenceHistogram { get; } = new ushort[CadenceBins];

    internal ushort[] DurationHistogram { get; } = new ushort[DurationBins];

    /// <summary>Seconds observed (worn and streaming) in the day.</summary>
    public int ObservedSeconds { get; private set; }

    /// <summary>Changes since the day was created or reset: a store writes a day again only when it moved.</summary>
    public int Revision { get; private set; }

    public int SecondsIn(MobilityPosture posture) => _postureSeconds[(int)posture];

    /// <summary>The day as plain values (a copy).</summary>
    public MobilityDayState ToState() => new()
    {
        DayNumber = DayNumber,
        PostureSeconds = [.. _postureSeconds],
        ObservedSeconds = ObservedSeconds,
        Steps = Steps,
        Bouts = Bouts,
        BoutSeconds = BoutSeconds,
        StrideRegularitySeconds = StrideRegularitySeconds,
        SymmetrySeconds = SymmetrySeconds,
        StepTimeCvSum = StepTimeCvSum,
        StepTimeCvBouts = StepTimeCvBouts,
        SitToStands = SitToStands,
        StandToSits = StandToSits,
        SwayWindows = SwayWindows,
        SwayLogRmsSum = SwayLogRmsSum,
        SwayJerkSum = SwayJerkSum,
        SwayEllipseSum = SwayEllipseSum,
        SwayVelocitySum = SwayVelocitySum,
        CadenceHistogram = [.. CadenceHistogram.Select(static c => (int)c)],
        DurationHistogram = [.. DurationHistogram.Select(static c => (int)c)],
    };

    /// <summary>A new day holding <paramref name="state"/>.</summary>
    public static MobilityDay FromState(MobilityDayState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var day = new MobilityDay(state.DayNumber);
        day.Merge(state);
        return day;
    }

    /// <summary>Adds <paramref name="state"/> (of the same day) to this day: a stored part of the day and the part seen since.</summary>
    internal void Merge(MobilityDayState state)
    {
        for (var p = 0; p < _postureSeconds.Length && p < state.PostureSeconds.Length; p++)
        {
            _postureSeconds[p] += state.PostureSeconds[p];
        }

        ObservedSeconds += state.ObservedSeconds;
        Steps += state.Steps;
        Bouts += state.Bouts;
        BoutSeconds += state.BoutSeconds;
        StrideRegularitySeconds += state.StrideRegularitySeconds;
        SymmetrySeconds += state.SymmetrySeconds;
        StepTimeCvSum += state.StepTimeCvSum;
        StepTimeCvBouts += state.StepTimeCvBouts;
        SitToStands += state.SitToStands;
        StandToSits += state.StandToSits;
        SwayWindows += state.SwayWindows;
        SwayLogRmsSum += state.SwayLogRmsSum;
        SwayJerkSum += state.SwayJerkSum;
        SwayEllipseSum += state.SwayEllipseSum;
        SwayVelocitySum += state.SwayVelocitySum;
        AddHistogram(CadenceHistogram, state.CadenceHistogram);
        AddHistogram(DurationHistogram, state.DurationHistogram);
        Revision++;
    }

    /// <summary>Clears the day for reuse as <paramref name="dayNumber"/> (the ledger recycles its oldest day).</summary>
    internal void Reset(long dayNumber)
    {
        DayNumber = dayNumber;
        Array.Clear(_postureSeconds);
        Array.Clear(CadenceHistogram);
        Array.Clear(DurationHistogram);
        Steps = BoutSeconds = StrideRegularitySeconds = SymmetrySeconds = StepTimeCvSum = 0;
        SwayLogRmsSum = SwayJerkSum = SwayEllipseSum = SwayVelocitySum = 0;
        Bouts = StepTimeCvBouts = SitToStands = StandToSits = SwayWindows = ObservedSeconds = Revision = 0;
    }

    internal void Add(in MobilityEpoch epoch)
    {
        Revision++;
        _postureSeconds[(int)epoch.Posture]++;
        ObservedSeconds++;
        Steps += epoch.Steps;
    }

    internal void Add(in WalkingBout bout)
    {
        Revision++;
        Bouts++;
        var seconds = bout.DurationSeconds;
        BoutSeconds += seconds;
        StrideRegularitySeconds += bout.StrideRegularity * seconds;
        SymmetrySeconds += (float.IsNaN(bout.Symmetry) ? 0 : bout.Symmetry) * seconds;
        if (!float.IsNaN(bout.StepTimeCv))
        {
            StepTimeCvSum += bout.StepTimeCv;
            StepTimeCvBouts++;
        }

        Increment(CadenceHistogram, (int)MathF.Round(bout.CadenceSpm) - CadenceMin);
    }

    internal void Add(in PostureTransition transition)
    {
        Revision++;
        if (transition.Kind == TransitionKind.StandToSit)
        {
            StandToSits++;
            return;
        }

        SitToStands++;
        if (transition.Timed)
        {
            Increment(DurationHistogram, (int)Math.Floor((transition.DurationSeconds / DurationBinSeconds) + 1e-9));
        }
    }

    internal void Add(in QuietStandingSway sway)
    {
        Revision++;
        SwayWindows++;
        SwayLogRmsSum += Math.Log(Math.Max(1e-6, sway.RmsMs2));
        SwayJerkSum += sway.JerkRms;
        SwayEllipseSum += sway.EllipseArea95;
        SwayVelocitySum += sway.MeanVelocity;
    }

    private static void AddHistogram(ushort[] histogram, int[] counts)
    {
        for (var i = 0; i < histogram.Length && i < counts.Length; i++)
        {
            histogram[i] = (ushort)Math.Min(ushort.MaxValue, histogram[i] + Math.Max(0, counts[i]));
        }
    }

    private static void Increment(ushort[] histogram, int bin)
    {
        bin = Math.Clamp(bin, 0, histogram.Length - 1);
        if (histogram[bin] < ushort.MaxValue)
        {
            histogram[bin]++;
        }
    }
}
