namespace StabilityMonitor.Balance.Mobility;

/// <summary>
/// A <see cref="MobilityDay"/>'s sums and histograms as plain values, to store and to load back (the server keeps
/// them in InfluxDB); merging states adds them, as merging days does.
/// </summary>
public sealed record MobilityDayState
{
    public required long DayNumber { get; init; }

    /// <summary>Seconds per <see cref="MobilityPosture"/>, indexed by its value.</summary>
    public required int[] PostureSeconds { get; init; }

    public int ObservedSeconds { get; init; }

    public double Steps { get; init; }

    public int Bouts { get; init; }

    public double BoutSeconds { get; init; }

    public double StrideRegularitySeconds { get; init; }

    public double SymmetrySeconds { get; init; }

    public double StepTimeCvSum { get; init; }

    public int StepTimeCvBouts { get; init; }

    public int SitToStands { get; init; }

    public int StandToSits { get; init; }

    public int SwayWindows { get; init; }

    public double SwayLogRmsSum { get; init; }

    public double SwayJerkSum { get; init; }

    public double SwayEllipseSum { get; init; }

    public double SwayVelocitySum { get; init; }

    /// <summary>Bout cadences, 1 steps/min a bin from <see cref="CadenceOrigin"/>.</summary>
    public required int[] CadenceHistogram { get; init; }

    /// <summary>Timed rises, <see cref="DurationBinSeconds"/> a bin from 0.</summary>
    public required int[] DurationHistogram { get; init; }

    public static int CadenceOrigin => MobilityDay.CadenceMin;

    public static double DurationBinSeconds => MobilityDay.DurationBinSeconds;

    public static int CadenceBins => MobilityDay.CadenceBins;

    public static int DurationBins => MobilityDay.DurationBins;

    public static int Postures => 5;
}
