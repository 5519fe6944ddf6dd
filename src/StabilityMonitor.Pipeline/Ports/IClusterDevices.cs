namespace StabilityMonitor.Pipeline.Ports;

/// <summary>
/// Port: the state of devices wherever their streams live in a cluster (docs/scale-out.md). On one server the pipeline's
/// own table answers; on a cluster node a device may be held by another node, so its state is asked of it.
/// </summary>
internal interface IClusterDevices
{
    /// <summary>The state of each of <paramref name="deviceIds"/> that has ever streamed, in the order given.</summary>
    Task<IReadOnlyList<DeviceSnapshot>> GetAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken);

    /// <summary>The ids of the devices whose streams are held somewhere in the cluster now.</summary>
    Task<IReadOnlyCollection<string>> ActiveAsync(CancellationToken cancellationToken);
}
