using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>A registry that admits only the listed device ids, as the store-backed one will.</summary>
internal sealed class AllowListRegistry(params string[] ids) : IDeviceRegistry
{
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _ids = new HashSet<string>(ids, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    public int Calls { get; private set; }

    public bool IsAdmitted(ReadOnlySpan<char> deviceId)
    {
        Calls++;
        return _ids.Contains(deviceId);
    }

    public bool VerifyCredentials(string deviceId, string password) => false;
}
