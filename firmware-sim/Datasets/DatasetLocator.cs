namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>
/// Finds the shared datasets folder (holding <c>sisfall/</c>, <c>sisfall-enhanced/</c>, <c>umafall/</c>)
/// without machine-specific paths: the <see cref="EnvironmentVariable"/> when set, else
/// <c>&lt;repository root&gt;/../shared/datasets</c>, the repository root being the first folder above
/// the running assembly that holds <see cref="SolutionFileName"/>. The data is never copied into the
/// repository (its terms are unclear), so tests must skip when this finds nothing.
/// </summary>
internal static class DatasetLocator
{
    public const string EnvironmentVariable = "STABILITY_DATASETS";

    public const string SolutionFileName = "StabilityMonitor.sln";

    /// <summary>The datasets folder, or null when neither the variable nor the sibling folder leads to one.</summary>
    public static string? FindDatasetsRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            // An explicit setting that points nowhere is reported as absent rather than silently replaced.
            return Directory.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;
        }

        // The running assembly's folder, then the working folder, then where this tool was built
        // from: builds with a separate artifacts folder put the binaries outside the repository.
        var repositoryRoot = FindRepositoryRoot(AppContext.BaseDirectory)
            ?? FindRepositoryRoot(Environment.CurrentDirectory)
            ?? BuildRepositoryRoot();
        if (repositoryRoot is null)
        {
            return null;
        }

        var sibling = Path.GetFullPath(Path.Combine(repositoryRoot, "..", "shared", "datasets"));
        return Directory.Exists(sibling) ? sibling : null;
    }

    /// <summary>A dataset's folder (e.g. <c>"sisfall"</c>), or null when it is not available.</summary>
    public static string? Find(string datasetName)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetName);
        var root = FindDatasetsRoot();
        if (root is null)
        {
            return null;
        }

        var folder = Path.Combine(root, datasetName);
        return Directory.Exists(folder) ? folder : null;
    }

    /// <summary>The first folder at or above <paramref name="startDirectory"/> holding the solution file, or null.</summary>
    public static string? FindRepositoryRoot(string startDirectory)
    {
        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    private static string? BuildRepositoryRoot()
    {
        var root = typeof(DatasetLocator).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(static a => a.Key == "RepositoryRoot")?.Value;
        return root is not null && File.Exists(Path.Combine(root, SolutionFileName)) ? root : null;
    }

    /// <summary>Why <see cref="Find"/> returned null, for skip messages.</summary>
    public static string MissingMessage(string datasetName) =>
        $"Dataset '{datasetName}' not found: set {EnvironmentVariable} to a folder holding '{datasetName}/', "
        + $"or place it at <repository root>/../shared/datasets/{datasetName}.";
}
