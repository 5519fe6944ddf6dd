namespace StabilityMonitor.Alerting.Devices;

/// <summary>A wearable's broker account, returned once when it is assigned: user name = client id = device id.</summary>
public sealed record DeviceCredentials(string DeviceId, Guid ResidentId, string Username, string Password, string AccelTopic, string StatusTopic);
