using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Cluster.Grains;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Cluster;

/// <summary>
/// Sends what a dead node had logged to the wearables' grains, under that node's name and log positions, when its
/// frame log is on storage this node reaches (<see cref="ClusterNodeOptions.PeerFrameLogs"/>; docs/scale-out.md, "A node
/// that never returns"). The dead node acknowledged those frames to the broker once logged; the grains it held restore
/// from their saves without the ones it had taken since, and without this those would wait for the node's return. A
/// grain skips what it has already taken from that node (its positions), so replaying the whole log, or replaying it
/// again when the node returns and replays it itself, counts nothing twice.
/// </summary>
internal sealed class PeerLogReplay : IHostedService, IDisposable
{
    /// <summary>The file in a node's frame log directory naming the node in the grains' positions.</summary>
    public const string NodeNameFile = "node-name";

    // Messages read before they are sent: each wearable's share goes in one call per MaxBatch, wearables at once, and the
    // next chunk waits for all of them, so a wearable's messages stay in order.
    private const int ChunkMessages = 20_000;

    private readonly IGrainFactory _grains;
    private readonly FrameIngestor _ingestor;
    private readonly IngestPipeline _pipeline;
    private readonly GrainRouter _router;
    private readonly IPeerFrameLogs? _logs;
    private readonly ClusterNodeOptions _options;
    private readonly ILogger<PeerLogReplay> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];
    private long _replayed;

    public PeerLogReplay(IGrainFactory grains, FrameIngestor ingestor, IngestPipeline pipeline, GrainRouter router, IOptions<ClusterNodeOptions> options, ILogger<PeerLogReplay> logger, IPeerFrameLogs? logs = null)
    {
        _grains = grains;
        _ingestor = ingestor;
        _pipeline = pipeline;
        _router = router;
        _logs = logs;
        _options = options.Value;
        _logger = logger;
        pipeline.Metrics.AddCounter("stability_cluster_peer_log_messages_total", "Messages of dead nodes' frame logs this node sent to their wearables' grains (the grains skip those they had).", () => Interlocked.Read(ref _replayed));
    }

    /// <summary>Whether dead nodes' logs can be read here.</summary>
    public bool Enabled => _logs is not null && _options.PeerFrameLogs.Length > 0;

    /// <summary>Messages sent so far (tests).</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            // A survivor reading this node's log must know its name in the grains' positions (Cluster:NodeName, which
            // need not be the broker client id the directory is named after).
            var path = Path.Combine(_logs!.OwnDirectory, NodeNameFile);
            Directory.CreateDirectory(_logs.OwnDirectory);
            File.WriteAllText(path, _router.Source);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] running;
        lock (_running)
        {
            running = [.. _running];
        }

        await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>Starts replaying the frame log of the dead node whose broker client id is <paramref name="name"/>.</summary>
    public void Start(string name)
    {
        if (!Enabled || _stopping.IsCancellationRequested)
        {
            return;
        }

        var task = Task.Run(() => ReplayAsync(name, _stopping.Token), CancellationToken.None);
        lock (_running)
        {
            _running.RemoveAll(static t => t.IsCompleted);
            _running.Add(task);
        }
    }

    private async Task ReplayAsync(string name, CancellationToken cancellationToken)
    {
        var directory = _options.PeerFrameLogs.Replace("{node}", name, StringComparison.Ordinal);
        var marker = Path.Combine(directory, NodeNameFile);
        string source;
        try
        {
            source = File.ReadAllText(marker).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ClusterLog.PeerLogMissing(_logger, name, directory, ex.Message);
            return;
        }

        try
        {
            var sent = 0L;
            var chunk = new Dictionary<string, List<object>>(StringComparer.Ordinal);
            var count = 0;
            foreach (var message in _logs!.Read(directory))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!_ingestor.TryDecodeLogged(message, out var item))
                {
                    continue;
                }

                var id = item.DeviceId.ToString();
                if (!chunk.TryGetValue(id, out var messages))
                {
                    chunk[id] = messages = [];
                }

                messages.Add(GrainRouter.Message(item, source, _pipeline));
                if (++count >= ChunkMessages)
                {
                    sent += await SendAsync(chunk, source, cancellationToken).ConfigureAwait(false);
                    chunk.Clear();
                    count = 0;
                }
            }

            sent += await SendAsync(chunk, source, cancellationToken).ConfigureAwait(false);
            ClusterLog.PeerLogReplayed(_logger, name, source, sent);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: whatever was not sent is still in the log, for the node itself or the next survivor.
        }
    }

    private async Task<long> SendAsync(Dictionary<string, List<object>> chunk, string source, CancellationToken cancellationToken)
    {
        // Wearables at once, a bounded number: a failover replays the whole log of a node in a burst.
        using var gate = new SemaphoreSlim(_options.Lanes);
        var sends = new List<Task>(chunk.Count);
        foreach (var (id, messages) in chunk)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            sends.Add(SendWearableAsync(id, messages, source, gate, cancellationToken));
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
        return chunk.Values.Sum(static m => (long)m.Count);
    }

    private async Task SendWearableAsync(string id, List<object> messages, string source, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            var grain = _grains.GetGrain<IWearableGrain>(id);
            for (var start = 0; start < messages.Count; start += _options.MaxBatch)
            {
                var batch = messages.GetRange(start, Math.Min(_options.MaxBatch, messages.Count - start)).ToArray();

                // Unchecked (no previous position): the grain takes what is after its position for that node, in order.
                var call = new WearableBatch(source, 0, batch);
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await grain.AcceptManyAsync(call).ConfigureAwait(false);
                        break;
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
                    {
                        // The silo holding it failed too, or the cluster is re-forming: as the router, until it succeeds.
                        ClusterLog.RetriedCallFailed(_logger, id, attempt, ex);

                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * attempt)), cancellationToken).ConfigureAwait(false);
                    }
                }

                Interlocked.Add(ref _replayed, batch.Length);
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
