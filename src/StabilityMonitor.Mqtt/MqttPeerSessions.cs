using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using StabilityMonitor.Pipeline;

namespace StabilityMonitor.Mqtt;

/// <summary>
/// Consumes other ingest nodes' persistent sessions (<see cref="IPeerSessions"/>): one MQTTnet client per adopted
/// session, connected under the peer's client id with clean start off. It does not subscribe: the session already holds
/// the peer's subscriptions (its share of the shared subscription), and a session the broker does not have is left
/// alone rather than made. Messages go to this node's <see cref="IFrameIngress"/> and are acknowledged once logged, as
/// the node's own. When the peer comes back and connects under its id, the broker takes the session over (MQTT 5 reason
/// 0x8E) and the adoption ends; this class never takes it back on its own.
/// </summary>
internal sealed class MqttPeerSessions : IPeerSessions, IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, Adoption> _adoptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _absent = new(StringComparer.Ordinal);
    private readonly MqttOptions _options;
    private readonly MqttConnectionSettings _settings;
    private readonly IFrameIngress _ingress;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private long _messages;
    private long _adopted;

    public MqttPeerSessions(IOptions<MqttOptions> options, MqttConnectionSettings settings, IFrameIngress ingress, MetricsRegistry metrics, TimeProvider time, ILogger<MqttPeerSessions> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _options = options.Value;
        _settings = settings;
        _ingress = ingress;
        _time = time;
        _logger = logger;
        metrics.AddGauge("stability_mqtt_adopted_sessions", "Other nodes' broker sessions this node consumes now (a cluster peer that is down).", () => _adoptions.Values.Count(static a => a.Consuming));
        metrics.AddCounter("stability_mqtt_adoptions_total", "Other nodes' broker sessions this node started to consume.", () => Interlocked.Read(ref _adopted));
        metrics.AddCounter("stability_mqtt_adopted_messages_total", "Messages received through other nodes' sessions.", () => Interlocked.Read(ref _messages));
    }

    public bool Absent(string clientId) => _absent.ContainsKey(clientId);

    public IReadOnlyCollection<string> Adopted => [.. _adoptions.Where(static a => a.Value.Consuming).Select(static a => a.Key)];

    public void Adopt(string clientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        if (string.Equals(clientId, _options.ClientId, StringComparison.Ordinal) || _stopping.IsCancellationRequested)
        {
            return;
        }

        var adoption = new Adoption(CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
        if (!_adoptions.TryAdd(clientId, adoption))
        {
            adoption.Stop.Dispose();
            return;
        }

        adoption.Run = Task.Run(() => ConsumeAsync(clientId, adoption));
    }

    public void Release(string clientId)
    {
        if (_adoptions.TryGetValue(clientId, out var adoption))
        {
            try
            {
                adoption.Stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It ended meanwhile.
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        var runs = _adoptions.Values.Select(static a => a.Run).ToArray();
        await Task.WhenAll(runs).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task ConsumeAsync(string clientId, Adoption adoption)
    {
        var stop = adoption.Stop.Token;
        var disconnected = new SemaphoreSlim(0, 1);
        var takenOver = false;
        var login = _options.PeerSessionLogin == PeerSessionLogin.ClientId ? _settings with { Username = clientId } : _settings;
        var holdsAcks = login.HoldsAcknowledgements;
        Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
        {
            Interlocked.Increment(ref _messages);
            return MqttWorkerConnection.AcceptAsync(_ingress, e, commit: !holdsAcks, stop);
        }

        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        var closing = false;
        client.DisconnectedAsync += e =>
        {
            // The broker ended the connection without an error: another client connected under this id, most likely the
            // session's owner come back (mosquitto 2.0 closes the old connection with no reason code, MQTT 5 brokers
            // that give one say 0x8E). It is theirs again; never take it back from here.
            if (!closing && e.ClientWasConnected && e.Exception is null
                && e.Reason is MqttClientDisconnectReason.SessionTakenOver or MqttClientDisconnectReason.NormalDisconnection)
            {
                takenOver = true;
            }

            if (e.ClientWasConnected && !closing && !stop.IsCancellationRequested)
            {
                MqttIngestLog.AdoptedDisconnected(_logger, clientId, $"{e.Reason} {e.ReasonString} {e.Exception?.GetBaseException().Message}".TrimEnd());
            }

            MqttWorkerConnection.Wake(disconnected);
            return Task.CompletedTask;
        };

        // Clean start off and the owner's own expiry, on every connect: a connect sets the session's expiry, and one that
        // asked for less (an earlier version probed with a second) lost the peer's session, its subscription and its
        // queued share whenever that connection dropped before its DISCONNECT restored the expiry, as under load it did.
        // When the broker kept no session the connect made an empty one, which the DISCONNECT ends a second later (MQTTnet
        // does not send an expiry of 0; a clean start instead would wipe the session of an owner connecting at that
        // moment). Should that DISCONNECT be lost, an empty session without subscriptions is left: harmless, the owner
        // subscribes on every connect.
        var full = _options.WorkerClientOptions(login, clientId, holdsAcks ? _ingress.Commit : null);
        var delay = _options.ReconnectDelayMin;
        try
        {
            while (!stop.IsCancellationRequested && !takenOver)
            {
                try
                {
                    if (!client.IsConnected)
                    {
                        var result = await client.ConnectAsync(full, stop).ConfigureAwait(false);
                        if (result.ResultCode != MqttClientConnectResultCode.Success)
                        {
                            MqttIngestLog.AdoptRefused(_logger, clientId, result.ResultCode.ToString());
                            _absent[clientId] = true;
                            return;
                        }

                        if (!result.IsSessionPresent)
                        {
                            MqttIngestLog.AdoptNoSession(_logger, clientId);
                            _absent[clientId] = true;
                            closing = true;
                            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithSessionExpiryInterval(1).Build(), stop).ConfigureAwait(false);
                            return;
                        }

                        adoption.Consuming = true;
                        _absent.TryRemove(clientId, out _);
                        Interlocked.Increment(ref _adopted);
                        MqttIngestLog.Adopted(_logger, clientId, _settings);
                        delay = _options.ReconnectDelayMin;
                    }

                    await disconnected.WaitAsync(_options.KeepAlive, stop).ConfigureAwait(false);
                    if (!takenOver && client.IsConnected && !await client.TryPingAsync(stop).ConfigureAwait(false))
                    {
                        adoption.Consuming = false;
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    adoption.Consuming = false;
                    (var wait, delay) = MqttWorkerConnection.Backoff(delay, _options.ReconnectDelayMax);
                    MqttIngestLog.AdoptRetry(_logger, clientId, ex.GetBaseException().Message, wait);
                    await Task.Delay(wait, _time, stop).ConfigureAwait(false);
                }
            }

            if (takenOver)
            {
                MqttIngestLog.AdoptionTakenBack(_logger, clientId);
            }
            else if (client.IsConnected)
            {
                // A normal disconnect: the broker keeps the session (and queues its share) for its owner.
                await MqttWorkerConnection.LetAcknowledgementsGoAsync(() => Interlocked.Read(ref _messages)).ConfigureAwait(false);
                closing = true;
                using var timeout = new CancellationTokenSource(_options.Timeout);
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token).ConfigureAwait(false);
                MqttIngestLog.AdoptionReleased(_logger, clientId);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MqttIngestLog.AdoptionFailed(_logger, clientId, ex.GetBaseException().Message);
        }
        finally
        {
            adoption.Consuming = false;
            _adoptions.TryRemove(new KeyValuePair<string, Adoption>(clientId, adoption));
            adoption.Stop.Dispose();
            disconnected.Dispose();
        }
    }

    private sealed class Adoption(CancellationTokenSource stop)
    {
        private volatile bool _consuming;

        public CancellationTokenSource Stop { get; } = stop;

        public Task Run { get; set; } = Task.CompletedTask;

        /// <summary>Connected under the peer's id, with its session.</summary>
        public bool Consuming
        {
            get => _consuming;
            set => _consuming = value;
        }
    }
}
