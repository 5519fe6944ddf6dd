using System.Globalization;

namespace StabilityMonitor.TestServers;

/// <summary>
/// Who listens on a loopback port, from <c>/proc</c>. A port from <see cref="FreePort"/> is free only when it is picked:
/// a server of a test running beside this one can bind it first, and then "something answers on the port" would pass
/// for our server being ready while the test talks to the other one.
/// </summary>
public static class ListeningSocket
{
    /// <summary>Whether a socket listening on <paramref name="port"/> (IPv4 or IPv6) is one of process <paramref name="pid"/>'s.</summary>
    public static bool BelongsTo(int pid, int port)
    {
        var inodes = Listening(port);
        if (inodes.Count == 0)
        {
            return false;
        }

        try
        {
            foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
            {
                // "socket:[12345]"
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(target[8..^1]))
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process is gone, or a descriptor closed while being read: not (yet) known to be its.
        }

        return false;
    }

    /// <summary>Whether any process listens on <paramref name="port"/>.</summary>
    public static bool Any(int port) => Listening(port).Count > 0;

    private static HashSet<string> Listening(int port)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            // sl local_address rem_address st ... inode: "0100007F:1F90", state 0A is LISTEN, the inode is the 10th field.
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == "0A"
                    && int.Parse(fields[1].AsSpan(fields[1].LastIndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    inodes.Add(fields[9]);
                }
            }
        }

        return inodes;
    }
}

/// <summary>Another process took the port picked for a test's server before the server could bind it: start it on another.</summary>
public sealed class PortTakenException(string message) : Exception(message);
