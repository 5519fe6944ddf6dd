namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>A UMAFall trial file found on disk.</summary>
/// <param name="FullPath">Absolute path of the data file.</param>
/// <param name="RelativePath">Path relative to the dataset folder, '/' separated.</param>
/// <param name="Name">The parsed file name.</param>
internal sealed record UmaFallTrialFile(string FullPath, string RelativePath, UmaFallTrialName Name);
