namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>Layout of a dataset folder the evaluation can read.</summary>
internal enum DatasetFormat
{
    SisFall,
    UmaFall,
}
