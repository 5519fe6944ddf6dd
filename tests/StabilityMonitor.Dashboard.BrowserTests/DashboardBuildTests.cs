using System.Diagnostics;

namespace StabilityMonitor.Dashboard.BrowserTests;

/// <summary>
/// The Dashboard project's npm targets (docs/dashboard.md, "Sources and bundle") run by MSBuild with a PATH that holds
/// no npm: a build that needs npm stops with the documented message, one with nothing changed runs no npm. The project
/// file and <c>web/</c> (without node_modules) are copied to a temporary folder, so the states a clone can be in are
/// set up without touching the repository's own; the build's own chain, <c>DashboardEmbedPage</c>, is the target run.
/// </summary>
public sealed class DashboardBuildTests
{
    private const string Project = "StabilityMonitor.Dashboard.csproj";
    private const string Message = "The dashboard page (src/StabilityMonitor.Dashboard/web) is built with npm, and npm was not found. Install Node.js 20 or newer (with npm) and build again.";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    public enum Clone
    {
        /// <summary>A fresh clone: no node_modules, no bundle (npm ci is due).</summary>
        Fresh,

        /// <summary>node_modules installed, a source newer than the bundle (npm run build is due).</summary>
        SourceChanged,

        /// <summary>node_modules and the bundle newer than every source: nothing to do.</summary>
        UpToDate,
    }

    [Theory]
    [InlineData(Clone.Fresh)]
    [InlineData(Clone.SourceChanged)]
    public async Task Build_WithoutNpmOnThePath_StopsWithTheDocumentedMessage(Clone state)
    {
        using var copy = CopyProject(state);

        var (exitCode, output) = await RunTargetWithoutNpmAsync(copy.Path);

        Assert.True(exitCode == 1, $"exit code {exitCode}; output:\n{output}");
        Assert.Contains($"error : {Message}", output, StringComparison.Ordinal);
        // Stopped before any npm command was tried.
        Assert.DoesNotContain("not found", output.Replace(Message, string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var bundle = new FileInfo(Path.Combine(copy.Path, "wwwroot", "app.js"));
        Assert.True(!bundle.Exists || bundle.Length == 0, "a bundle was written");
    }

    [Fact]
    public async Task Build_NothingChanged_RunsNoNpm_SucceedsWithoutIt()
    {
        using var copy = CopyProject(Clone.UpToDate);

        var (exitCode, output) = await RunTargetWithoutNpmAsync(copy.Path);

        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{output}");
        Assert.DoesNotContain("Dashboard: npm", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Message, output, StringComparison.Ordinal);
    }

    /// <summary>The project file and web/ (sources only) in a new folder, with node_modules and the bundle as <paramref name="state"/> says.</summary>
    private static TempDirectory CopyProject(Clone state)
    {
        var source = Path.Combine(RepositoryRoot(), "src", "StabilityMonitor.Dashboard");
        var copy = new TempDirectory("sm-dashboard-build-");
        File.Copy(Path.Combine(source, Project), Path.Combine(copy.Path, Project));
        var sources = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(source, "web"), "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar).Contains("node_modules"))
            {
                continue;
            }

            var target = Path.Combine(copy.Path, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            sources.Add(target);
        }

        Assert.Contains(sources, static f => f.EndsWith("package-lock.json", StringComparison.Ordinal));
        var now = DateTime.UtcNow;
        foreach (var file in sources)
        {
            File.SetLastWriteTimeUtc(file, now.AddHours(-2));
        }

        if (state == Clone.Fresh)
        {
            return copy;
        }

        // npm ci done after the lock file (its marker is what the target compares).
        Touch(Path.Combine(copy.Path, "web", "node_modules", ".package-lock.json"), now.AddHours(-1));
        var bundleAt = state == Clone.SourceChanged ? now.AddHours(-1) : now;
        foreach (var name in new[] { "app.js", "app.css", "index.html" })
        {
            Touch(Path.Combine(copy.Path, "wwwroot", name), bundleAt);
        }

        if (state == Clone.SourceChanged)
        {
            File.SetLastWriteTimeUtc(Path.Combine(copy.Path, "web", "src", "main.js"), now);
        }

        return copy;
    }

    private static void Touch(string path, DateTime at)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Empty);
        File.SetLastWriteTimeUtc(path, at);
    }

    /// <summary>
    /// <c>dotnet msbuild -t:DashboardEmbedPage</c> in <paramref name="folder"/> with PATH set to a folder that holds only
    /// <c>sh</c> (MSBuild's Exec runs its commands with the <c>sh</c> it finds on PATH), as on a machine without Node.js.
    /// </summary>
    private static async Task<(int ExitCode, string Output)> RunTargetWithoutNpmAsync(string folder)
    {
        using var emptyPath = new TempDirectory("sm-no-npm-");
        File.CreateSymbolicLink(Path.Combine(emptyPath.Path, "sh"), "/bin/sh");
        var info = new ProcessStartInfo(DotnetHost(), ["msbuild", Path.Combine(folder, Project), "-t:DashboardEmbedPage", "-nologo", "-nodeReuse:false", "-v:minimal", "-p:UseSharedCompilation=false"])
        {
            WorkingDirectory = folder,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // The test host runs under `dotnet test`, whose MSBuild variables would steer the child MSBuild.
        foreach (var name in info.Environment.Keys.Where(static k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_HOST_PATH", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["PATH"] = emptyPath.Path;
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet msbuild did not finish within {s_timeout}:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>The dotnet host running this test (the same SDK), by full path: the child's PATH has no dotnet.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        if (Environment.ProcessPath is { } process && Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            return process;
        }

        throw new InvalidOperationException("The dotnet host was not found (DOTNET_HOST_PATH unset and the test not run by dotnet).");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StabilityMonitor.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("StabilityMonitor.sln not found above the test's folder.");
    }
}
