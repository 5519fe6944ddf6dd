namespace StabilityMonitor.Pipeline.Ports;

/// <summary>
/// Port: which wearables exist and may send. The relational store implements it (wearables assigned to residents,
/// with their broker credentials); without one, <see cref="OpenDeviceRegistry"/> admits every stream and knows no
/// credentials.
/// </summary>
/// <remarks>
/// Called on the ingest path and from the broker's connection handler: implementations answer from memory
/// (a snapshot refreshed when assignments change), never from the database, and must not throw.
/// </remarks>
public interface IDeviceRegistry
{
    /// <summary>Whether frames of <paramref name="deviceId"/> are processed (registered, or unregistered devices admitted).</summary>
    bool IsAdmitted(ReadOnlySpan<char> deviceId);

    /// <summary>Whether <paramref name="password"/> is the broker password of registered wearable <paramref name="deviceId"/>.</summary>
    bool VerifyCredentials(string deviceId, string password);
}
