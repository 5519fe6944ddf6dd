using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Metadata;
using StabilityMonitor.Cluster.Grains;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Cluster;

/// <summary>
/// The device states of a cluster node's API and dashboard: each wearable's state is asked of its grain, wherever in the
/// cluster it is held, so a dashboard connected to any node shows every resident's wearable (docs/scale-out.md).
/// </summary>
internal sealed class GrainDeviceView(IGrainFactory grains, GrainTypeResolver types, IngestPipeline pipeline, ILogger<GrainDeviceView> logger)
    : IClusterDevices, IHostedService
{
    // Many wearables of a poll are asked at once, not all: a care group's thousands would queue on the silos together.
    private const int Concurrency = 64;

    private readonly GrainType _wearable = types.GetGrainType(typeof(WearableGrain));

    public async Task<IReadOnlyList<DeviceSnapshot>> GetAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var ids = deviceIds as IReadOnlyList<string> ?? [.. deviceIds];
        var states = new DeviceState?[ids.Count];
        await Parallel.ForAsync(0, ids.Count, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            try
            {
                states[i] = await grains.GetGrain<IWearableGrain>(ids[i]).GetStateAsync().WaitAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // Its silo failed and the cluster has not moved it yet: left out of this answer, asked again next time.
                ClusterLog.StateUnavailable(logger, ids[i], ex.GetType().Name, ex.Message);
            }
        }).ConfigureAwait(false);

        var list = new List<DeviceSnapshot>(ids.Count);
        foreach (var state in states)
        {
            if (state is not null)
            {
                list.Add(state.ToSnapshot());
            }
        }

        return list;
    }

    public async Task<IReadOnlyCollection<string>> ActiveAsync(CancellationToken cancellationToken)
    {
        var active = await grains.GetGrain<IManagementGrain>(0).GetActiveGrains(_wearable).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. active.Select(static id => id.Key.ToString()!)];
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        pipeline.UseCluster(this);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
