using System.Diagnostics;

namespace StabilityMonitor.Durability.Tests;

/// <summary>
/// A small tmpfs mounted on a new temp dir, so a test can fill a real filesystem and see ENOSPC. Needs root (or
/// CAP_SYS_ADMIN): <see cref="TryMount"/> returns null with the reason otherwise, and the test skips saying so.
/// Unmounted and removed on dispose. Shared with the Influx tests (linked, not copied).
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private const string FillerName = "filler";

    private TmpfsMount(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Mounts a tmpfs with the given options (e.g. <c>size=1m</c>), or returns null and why not.</summary>
    public static TmpfsMount? TryMount(string options, out string whyNot)
    {
        whyNot = "";
        if (!OperatingSystem.IsLinux())
        {
            whyNot = "tmpfs is a Linux filesystem";
            return null;
        }

        string path = Directory.CreateTempSubdirectory("sm-tmpfs-").FullName;
        (int exit, string output) = Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
        if (exit != 0)
        {
            whyNot = $"mount -t tmpfs -o {options} failed (exit {exit}): {output.Trim()}";
            Directory.Delete(path);
            return null;
        }

        return new TmpfsMount(path);
    }

    /// <summary>Writes a filler file until the filesystem refuses (ENOSPC); returns its size.</summary>
    public long Fill()
    {
        byte[] chunk = new byte[4096];
        Array.Fill(chunk, (byte)0x5A);
        long written = 0;
        using var handle = File.OpenHandle(Sub(FillerName), FileMode.Append, FileAccess.Write);
        written = RandomAccess.GetLength(handle);
        try
        {
            while (true)
            {
                RandomAccess.Write(handle, chunk, written);
                written += chunk.Length;
            }
        }
        catch (IOException)
        {
            // Full. A partial last chunk may have gone in: the length says how much.
            return RandomAccess.GetLength(handle);
        }
    }

    /// <summary>Frees what <see cref="Fill"/> took.</summary>
    public void Free() => File.Delete(Sub(FillerName));

    public void Dispose()
    {
        if (Run("umount", Path).Exit != 0)
        {
            // Something still holds a file open (a failed test's handle): detach now, released when closed.
            Run("umount", "-l", Path);
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (int Exit, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
