namespace StabilityMonitor.FirmwareSim.Datasets;

internal static class TrialKindExtensions
{
    /// <summary>The label used in the datasets' labels.csv and in evaluation reports.</summary>
    public static string ToLabel(this TrialKind kind) => kind switch
    {
        TrialKind.Adl => "adl",
        TrialKind.NearFall => "near_fall",
        TrialKind.Fall => "fall",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
