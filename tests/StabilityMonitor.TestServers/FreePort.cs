using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace StabilityMonitor.TestServers;

/// <summary>A loopback port nobody listens on right now.</summary>
public static class FreePort
{
    private const int LowestKept = 15_000;

    /// <summary>A port the kernel hands out (port 0): from its ephemeral range.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// A port below the kernel's ephemeral range, for a server that is killed and started again on it. A port from
    /// <see cref="Next"/> is free again once its server dies, and every outgoing connection takes its local port from that
    /// same range: a SIGKILLed node started again found its HTTP port taken by one of the cluster's own connections
    /// ("address already in use", in a soak run of <c>ClusterKillTests</c>). Below the range only another listener can
    /// take it. Falls back to <see cref="Next"/> where the range leaves no room below it.
    /// </summary>
    public static int Kept()
    {
        var below = EphemeralLow();
        if (below - LowestKept >= 1_000)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(LowestKept, below);
                if (IsFree(port))
                {
                    return port;
                }
            }
        }

        return Next();
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Linux's default is 32768–60999; where it cannot be read, assume that.
    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768;
        }
    }
}
