namespace StabilityMonitor.Pipeline.Ports;

/// <summary>The registry used when no store provides one: every stream is admitted, no wearable has credentials.</summary>
public sealed class OpenDeviceRegistry : IDeviceRegistry
{
    public bool IsAdmitted(ReadOnlySpan<char> deviceId) => true;

    public bool VerifyCredentials(string deviceId, string password) => false;
}
