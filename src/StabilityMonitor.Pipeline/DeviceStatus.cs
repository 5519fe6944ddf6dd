namespace StabilityMonitor.Pipeline;

/// <summary>A parsed status message (<c>wearables/{id}/status</c>).</summary>
/// <param name="Online">Whether the device says it is connected; the will message says false.</param>
/// <param name="Battery">Charge, 0..1, when given.</param>
/// <param name="Firmware">Firmware version, when given.</param>
/// <param name="RateHz">Sample rate the device sends at, when given.</param>
public readonly record struct DeviceStatus(bool Online, float? Battery, string? Firmware, int? RateHz);
