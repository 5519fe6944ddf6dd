namespace StabilityMonitor.Mqtt;

/// <summary>How a device publish ended.</summary>
public enum DevicePublishResult
{
    /// <summary>The broker acknowledged the message (QoS 1).</summary>
    Acknowledged,

    /// <summary>The broker refused it for good (for example an ACL denial: reason code 135).</summary>
    Refused,
}
