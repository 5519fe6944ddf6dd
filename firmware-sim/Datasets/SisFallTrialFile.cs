namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>A SisFall trial file found on disk.</summary>
/// <param name="FullPath">Absolute path of the data file.</param>
/// <param name="RelativePath">Path relative to the dataset folder, '/' separated.</param>
/// <param name="Subject">
/// The subject folder the file sits in. It wins over the subject in the file name: in the complete
/// dataset SA15's car-entry trials are misnamed <c>D17_SE15_R0x.txt</c>.
/// </param>
/// <param name="Name">The parsed file name.</param>
internal sealed record SisFallTrialFile(string FullPath, string RelativePath, string Subject, SisFallTrialName Name);
