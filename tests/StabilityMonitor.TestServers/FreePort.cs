using System.Net;
using System.Net.Sockets;

namespace StabilityMonitor.TestServers;

/// <summary>A loopback port nobody listens on right now, below the kernel's range of ephemeral ports.</summary>
/// <remarks>
/// Not a port the kernel hands out itself (port 0): those come from the ephemeral range, from which every outgoing
/// connection's local port is taken too. A server SIGKILLed and started again on its port found it taken meanwhile by
/// one of the cluster's own connections ("address already in use", once in a soak run of <c>ClusterKillTests</c>).
/// </remarks>
public static class FreePort
{
    private const int Lowest = 15_000;

    public static int Next()
    {
        var below = EphemeralLow();
        if (below - Lowest >= 1_000)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(Lowest, below);
                if (IsFree(port))
                {
                    return port;
                }
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int chosen = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return chosen;
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

    // Linux's default is 32768–60999; elsewhere (or unreadable) assume that.
    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768;
        }
    }
}
