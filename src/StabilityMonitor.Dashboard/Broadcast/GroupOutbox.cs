using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Dashboard.Contract;
using StabilityMonitor.Dashboard.Hub;

namespace StabilityMonitor.Dashboard.Broadcast;

/// <summary>
/// The messages for one facility's dashboards (or, for unassigned alerts, the admins only), sent in order by one
/// loop so that a slow group send holds up only this group. Producers never wait: alerts are always queued
/// (the queue is unbounded, and alerts are few); metrics and state are dropped and counted once
/// <see cref="DashboardOptions.GroupQueueCapacity"/> of them are waiting (the snapshot on Sync/reconnect repairs that).
/// </summary>
internal sealed class GroupOutbox
{
    private readonly Channel<DashboardMessage> _queue = Channel.CreateUnbounded<DashboardMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IHubContext<DashboardHub, IDashboardClient> _hub;
    private readonly DashboardMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _capacity;
    private readonly string[] _groups;
    private int _droppable;

    public GroupOutbox(Guid? facilityId, int capacity, IHubContext<DashboardHub, IDashboardClient> hub, DashboardMetrics metrics, TimeProvider time, ILogger logger)
    {
        _groups = facilityId is { } f ? [DashboardGroups.Facility(f), DashboardGroups.Admins] : [DashboardGroups.Admins];
        _capacity = capacity;
        _hub = hub;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Metrics and state messages waiting now.</summary>
    public int Waiting => Volatile.Read(ref _droppable);

    public void EnqueueAlert(DashboardMessage message) => _queue.Writer.TryWrite(message);

    /// <summary>Queues a metrics or state message unless the group already has its fill waiting; false when dropped (counted).</summary>
    public bool TryEnqueue(DashboardMessage message)
    {
        if (Interlocked.Increment(ref _droppable) > _capacity)
        {
            Interlocked.Decrement(ref _droppable);
            _metrics.AddDropped(message.Kind);
            return false;
        }

        _queue.Writer.TryWrite(message);
        return true;
    }

    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var message))
            {
                if (message.Kind != MessageKind.Alert)
                {
                    Interlocked.Decrement(ref _droppable);
                }

                await SendAsync(message).ConfigureAwait(false);
            }
        }
    }

    private async Task SendAsync(DashboardMessage message)
    {
        var clients = _groups.Length == 1 ? _hub.Clients.Group(_groups[0]) : _hub.Clients.Groups(_groups);
        try
        {
            switch (message.Kind)
            {
                case MessageKind.Alert:
                    await clients.Alert(message.Alert!).ConfigureAwait(false);
                    if (message.Alert!.Action == "raised" && message.Alert.ArrivedAt is { } arrived)
                    {
                        _metrics.RecordAlertLatency(_time.GetUtcNow() - arrived);
                    }

                    break;
                case MessageKind.State:
                    await clients.ResidentState(message.State!).ConfigureAwait(false);
                    break;
                case MessageKind.Metrics:
                    await clients.Metrics(message.Metrics!).ConfigureAwait(false);
                    break;
                default:
                    return;
            }

            _metrics.AddMessage(message.Kind);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One failed send (e.g. the backplane is down) must not end the group's loop; a reconnecting page syncs.
            DashboardLog.SendFailed(_logger, message.Kind.ToString(), _groups[0], e);
        }
    }
}
