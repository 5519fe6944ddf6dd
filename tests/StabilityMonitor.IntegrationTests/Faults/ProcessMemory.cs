using System.Globalization;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>A process's memory as Linux reports it in <c>/proc/&lt;pid&gt;/status</c>.</summary>
internal static class ProcessMemory
{
    /// <summary>VmRSS, bytes.</summary>
    public static long ResidentBytes(int pid) => Field(pid, "VmRSS:");

    /// <summary>VmHWM (peak resident set), bytes.</summary>
    public static long PeakResidentBytes(int pid) => Field(pid, "VmHWM:");

    private static long Field(int pid, string name)
    {
        foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
            {
                // "VmRSS:	  123456 kB"
                var parts = line[name.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"{name} not found for pid {pid}.");
    }
}
