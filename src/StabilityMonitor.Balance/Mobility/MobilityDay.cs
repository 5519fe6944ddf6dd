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

    public int SecondsIn(MobilityPosture posture) => _postureSeconds[(int)posture];

    /// <summary>Clears the day for reuse as <paramref name="dayNumber"/> (the ledger recycles its oldest day).</summary>
    internal void Reset(long dayNumber)
    {
        DayNumber = dayNumber;
        Array.Clear(_postureSeconds);
        Array.Clear(CadenceHistogram);
        Array.Clear(DurationHistogram);
        Steps = BoutSeconds = StrideRegularitySeconds = SymmetrySeconds = StepTimeCvSum = 0;
        SwayLogRmsSum = SwayJerkSum = SwayEllipseSum = SwayVelocitySum = 0;
        Bouts = StepTimeCvBouts = SitToStands = StandToSits = SwayWindows = ObservedSeconds = 0;
    }

    internal void Add(in MobilityEpoch epoch)
    {
        _postureSeconds[(int)epoch.Posture]++;
        ObservedSeconds++;
        Steps += epoch.Steps;
    }

    internal void Add(in WalkingBout bout)
    {
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
        SwayWindows++;
        SwayLogRmsSum += Math.Log(Math.Max(1e-6, sway.RmsMs2));
        SwayJerkSum += sway.JerkRms;
        SwayEllipseSum += sway.EllipseArea95;
        SwayVelocitySum += sway.MeanVelocity;
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
