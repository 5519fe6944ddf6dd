namespace StabilityMonitor.Pipeline;

/// <summary>Data-quality counters of one device since the pipeline started.</summary>
/// <param name="Frames">Frames processed.</param>
/// <param name="Samples">Samples processed.</param>
/// <param name="Lost">Frames never received: sequence gaps that the reorder window did not fill.</param>
/// <param name="Duplicates">Frames received again (QoS 1 redelivery, device resend) and dropped.</param>
/// <param name="Reordered">Frames that arrived out of order and were put back in order.</param>
/// <param name="Late">Frames that arrived after their gap had been declared lost, dropped.</param>
/// <param name="ClockJumps">Consecutive frames whose device time did not continue where the previous frame ended.</param>
/// <param name="Restarts">Sequence restarts (device reboot): the numbering started again elsewhere.</param>
/// <param name="Rejected">Frames set aside as malformed.</param>
public readonly record struct DeviceQuality(
    long Frames,
    long Samples,
    long Lost,
    long Duplicates,
    long Reordered,
    long Late,
    long ClockJumps,
    long Restarts,
    long Rejected);
