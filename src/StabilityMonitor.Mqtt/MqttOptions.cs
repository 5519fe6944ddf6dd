using System.ComponentModel.DataAnnotations;
using MQTTnet;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Mqtt;

/// <summary>
/// MQTT ingestion options (configuration section <c>Mqtt</c>; environment variables <c>Mqtt__Url</c> and so on).
/// See docs/ingestion.md.
/// </summary>
public sealed class MqttOptions
{
    public const string SectionName = "Mqtt";

    /// <summary>Default of <see cref="EmbeddedMaxPacketBytes"/>.</summary>
    public const int DefaultEmbeddedMaxPacketBytes = JsonFrameCodec.MaxInputBytes + 512;

    /// <summary>
    /// The broker: <c>mqtt://host:port</c> (default port 1883) or <c>mqtts://host:port</c> (TLS, default port 8883).
    /// Empty (the default) starts an embedded broker on <see cref="EmbeddedPort"/> and uses it.
    /// </summary>
    [RegularExpression(@"^$|^mqtts?://[A-Za-z0-9.\-]+(:\d{1,5})?/?$", ErrorMessage = "Mqtt:Url must be empty, mqtt://host[:port] or mqtts://host[:port].")]
    public string Url { get; set; } = string.Empty;

    /// <summary>
    /// Client id of the worker. With a persistent session the broker keeps the session under this id, so each
    /// worker needs its own. Default <c>stability-worker</c>.
    /// </summary>
    [Required]
    [StringLength(128, MinimumLength = 1)]
    public string ClientId { get; set; } = "stability-worker";

    /// <summary>
    /// User name for the broker, if it requires one. Default none. With the embedded broker the worker's user name
    /// is this, or the client id when unset.
    /// </summary>
    public string? Username { get; set; }

    /// <summary>
    /// Password for the broker. Default none. Supply it through a secret store or environment variable. With the
    /// embedded broker and no password, the worker uses a random token made at each start (only this process knows it).
    /// </summary>
    public string? Password { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate (mqtts), when it is not in the system store. Default none.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>Accept any broker certificate. For tests only. Default false.</summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>
    /// How long the broker keeps the worker's session (subscriptions and queued QoS 1 messages) after it disconnects.
    /// Default 1 h. The session is persistent: clean start is off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "49710.00:00:00")]
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>MQTT keep-alive period; also how often the worker checks its connection. Default 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "18:00:00")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time allowed for connecting and for each request. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First delay before reconnecting; doubles after each failure (with jitter). Default 0.5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ReconnectDelayMin { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest delay between reconnection attempts. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// MQTT 5 shared-subscription group: several workers with the same group split the frames between them
    /// (<c>$share/{group}/wearables/+/accel</c>). Default none (one worker receives everything).
    /// Note: the broker balances per message, not per device; see docs/ingestion.md.
    /// </summary>
    [RegularExpression(@"^[A-Za-z0-9_\-]*$", ErrorMessage = "Mqtt:SharedSubscriptionGroup may hold only [A-Za-z0-9_-].")]
    public string? SharedSubscriptionGroup { get; set; }

    /// <summary>
    /// MQTT 5 receive maximum: unacknowledged QoS 1 messages the broker may send at once. MQTTnet queues what it has
    /// read from the socket before our handler takes it, so this times <see cref="MaxPacketBytes"/> bounds the
    /// worker's memory for messages in flight (2048 × 66 KiB ≈ 132 MiB at worst; a 25-sample binary frame is ~170 B,
    /// so ~0.4 MiB in practice). Default 2048.
    /// </summary>
    /// <remarks>
    /// Messages beyond this window wait in the broker's queue. The handler acknowledges as soon as a message is in the
    /// frame log, so the window only fills while the pipeline applies back-pressure; 2048 is ~0.1 s of a 20,000
    /// frames/s drain on loopback. An old drain stall at ~170 frames/s was not the window but the worker's fixed 16 KiB
    /// socket receive buffer (see <see cref="SocketBufferBytes"/>; docs/ingestion.md, "Socket buffers").
    /// </remarks>
    [Range(1, 65535)]
    public int ReceiveMaximum { get; set; } = 2048;

    /// <summary>
    /// MQTT 5 maximum packet size the worker accepts (sent at connect): the broker does not send larger messages to it.
    /// Default: the largest frame the codecs accept plus the packet's overhead (<see cref="DefaultEmbeddedMaxPacketBytes"/>).
    /// </summary>
    [Range(1024, 268_435_455)]
    public int MaxPacketBytes { get; set; } = DefaultEmbeddedMaxPacketBytes;

    /// <summary>
    /// SO_RCVBUF and SO_SNDBUF of the worker's broker connection (and of simulated wearables), bytes. Default 0:
    /// left to the OS, so Linux autotunes the receive buffer (up to the third value of <c>net.ipv4.tcp_rmem</c>).
    /// </summary>
    /// <remarks>
    /// MQTTnet on its own always sets both to its BufferSize, 8 KiB, and a fixed SO_RCVBUF turns autotuning off:
    /// the socket stays at 16 KiB (the kernel doubles the value), the window at about 8 KiB, and an independent
    /// measurement saw mosquitto 2.0.11 window-limited, draining a backlog at about 168 frames/s (docs/ingestion.md,
    /// "Socket buffers"). Set a value only to cap memory per connection; Linux doubles it and caps it at
    /// <c>net.core.rmem_max</c>.
    /// </remarks>
    [Range(0, 64 * 1024 * 1024)]
    public int SocketBufferBytes { get; set; }

    /// <summary>
    /// Bytes the worker reads from its broker connection at once (0: unbuffered, as MQTTnet's own stream). Default
    /// 64 KiB. MQTTnet reads a packet's header a byte at a time and then its body: unbuffered, about three receive
    /// calls a message; buffered, a backlog costs one call per buffer (docs/ingestion.md, "Fewer system calls").
    /// </summary>
    [Range(0, 16 * 1024 * 1024)]
    public int ReadBufferBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// How long the worker may hold a PUBACK to send it with the next ones (0: each at once, as MQTTnet does). Default
    /// 1 ms. A later acknowledgement is safe for QoS 1 (the broker keeps the message until it comes) and costs the
    /// broker nothing while well under the receive maximum; at most <c>256</c> are held. Above zero (and without TLS) the
    /// frame log also writes the messages of a batch together, before their PUBACKs go (docs/reliability.md).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan AckCoalesceWindow { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Port of the embedded broker (used when <see cref="Url"/> is empty). Default 1883.</summary>
    [Range(1, 65535)]
    public int EmbeddedPort { get; set; } = 1883;

    /// <summary>Address the embedded broker listens on. Default 127.0.0.1 (loopback only).</summary>
    [Required]
    public string EmbeddedBindAddress { get; set; } = "127.0.0.1";

    /// <summary>Most queued messages per client in the embedded broker before it drops the oldest (and counts them). Default 100 000.</summary>
    [Range(1, 10_000_000)]
    public int EmbeddedMaxPendingMessages { get; set; } = 100_000;

    /// <summary>
    /// Largest MQTT packet the embedded broker accepts, in bytes (fixed header included). Default 66,048: the largest
    /// payload the server decodes (a JSON frame, <see cref="JsonFrameCodec.MaxInputBytes"/> = 64 KiB; the largest
    /// binary frame, 1000 samples, is only 6,020 bytes) plus 512 bytes for the topic, packet id and properties.
    /// </summary>
    /// <remarks>
    /// A client sending a larger packet (of any type, CONNECT included) gets an MQTT 5 DISCONNECT with reason
    /// Packet too large (0x95) and is disconnected before the broker reads the packet's body.
    /// </remarks>
    [Range(1024, 268_435_460)]
    public int EmbeddedMaxPacketBytes { get; set; } = DefaultEmbeddedMaxPacketBytes;

    /// <summary>
    /// User name of the embedded broker's gateway account: a client that publishes for many wearables (a BLE gateway,
    /// the simulator, a replay). Default <c>gateway</c>. Used only when <see cref="EmbeddedGatewayPassword"/> is set.
    /// </summary>
    [Required]
    public string EmbeddedGatewayUsername { get; set; } = "gateway";

    /// <summary>
    /// Password of the gateway account; none (the default) means no gateway may connect. The gateway may publish to
    /// any admitted wearable's <c>accel</c> and <c>status</c> topics and subscribe to nothing. The demo sets a random one
    /// and prints it. Supply it from a secret store (<c>Mqtt__EmbeddedGatewayPassword</c>).
    /// </summary>
    public string? EmbeddedGatewayPassword { get; set; }

    /// <summary>
    /// How a cluster node logs in when it consumes a dead peer's session (docs/scale-out.md, "A node that stays down").
    /// <c>Own</c> (the default): with this node's <see cref="Username"/> and <see cref="Password"/>, for brokers where any
    /// worker account may use any client id. <c>ClientId</c>: with the peer's client id as the user name and this node's
    /// password, for brokers that make the client id the account name (mosquitto's <c>use_username_as_clientid</c>, as in
    /// deploy/): there every node needs its own account, named as its client id, and the nodes share one password.
    /// </summary>
    public PeerSessionLogin PeerSessionLogin { get; set; } = PeerSessionLogin.Own;

    /// <summary>Whether the embedded broker is used.</summary>
    public bool UsesEmbeddedBroker => string.IsNullOrWhiteSpace(Url);

    /// <summary>The session expiry asked for at connect, seconds (<see cref="SessionExpiry"/>).</summary>
    internal uint SessionExpirySeconds => (uint)Math.Min(uint.MaxValue, SessionExpiry.TotalSeconds);

    /// <summary>
    /// A worker connection's options under <paramref name="clientId"/>: a persistent session (clean start off) expiring
    /// <see cref="SessionExpiry"/> after a disconnect, with this section's keep-alive, timeout, receive maximum and packet
    /// size.
    /// </summary>
    internal MqttClientOptions WorkerClientOptions(MqttConnectionSettings connection, string clientId, Func<bool>? beforeAcks = null) =>
        connection.CreateClientOptions(clientId, beforeAcks)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(SessionExpirySeconds)
            .WithKeepAlivePeriod(KeepAlive)
            .WithTimeout(Timeout)
            .WithReceiveMaximum((ushort)ReceiveMaximum)
            .WithMaximumPacketSize((uint)MaxPacketBytes)
            .Build();
}

/// <summary>See <see cref="MqttOptions.PeerSessionLogin"/>.</summary>
public enum PeerSessionLogin
{
    /// <summary>This node's own user name.</summary>
    Own,

    /// <summary>The peer's client id as the user name (each node's account is named as its client id).</summary>
    ClientId,
}
