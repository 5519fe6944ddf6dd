using System.Runtime.InteropServices;

namespace StabilityMonitor.Durability;

/// <summary>
/// fsync of a directory, so a rename in it survives power loss. .NET opens no directory handles, hence libc.
/// Windows has no such call (NTFS journals its metadata): nothing to do there.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;

    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Could not open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
