using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>The parsed options of <c>firmware-sim evaluate</c>.</summary>
/// <param name="Format">Which reader to use.</param>
/// <param name="DatasetDirectory">Dataset folder, full path.</param>
/// <param name="AnnotationsDirectory">SisFall only; null to look for a <c>sisfall-enhanced</c> folder next to the dataset.</param>
/// <param name="JsonPath">Where to write the JSON report; null for none.</param>
/// <param name="Subjects">Which subjects to evaluate.</param>
/// <param name="CrossValidate">Also run leave-one-subject-out tuning and scoring.</param>
/// <param name="TuneRates">With <paramref name="CrossValidate"/>: the rates each fold tunes at together; null for the evaluated rate.</param>
/// <param name="SoftFalls">Also call falls without a hard impact (<c>Detector.SoftFalls</c>, on by default; <c>--no-soft-falls</c> turns it off).</param>
/// <param name="ReportDirectory">Where to write the HTML report (index.html); null for none.</param>
/// <param name="ResampleHz">Resample every recording to this rate first, as a wearable at that rate would send it; null keeps the recorded rate.</param>
internal sealed record EvaluateSettings(
    DatasetFormat Format,
    string DatasetDirectory,
    string? AnnotationsDirectory,
    string? JsonPath,
    SubjectFilter Subjects,
    bool CrossValidate = false,
    int? ResampleHz = null,
    IReadOnlyList<int>? TuneRates = null,
    bool SoftFalls = true,
    string? ReportDirectory = null);
