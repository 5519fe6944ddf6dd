using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;

namespace StabilityMonitor.Mqtt;

/// <summary>Where and how to connect to the broker: the resolved form of <see cref="MqttOptions"/>, also used by simulated devices.</summary>
/// <param name="Host">Broker host name or address.</param>
/// <param name="Port">Broker port.</param>
/// <param name="UseTls">Whether to use TLS (mqtts).</param>
/// <param name="CaCertificatePath">PEM of a CA to trust, when set.</param>
/// <param name="AllowUntrustedCertificates">Accept any certificate (tests only).</param>
/// <param name="Username">User name, when set.</param>
/// <param name="Password">Password, when set.</param>
/// <param name="SocketBufferBytes">
/// SO_RCVBUF and SO_SNDBUF of the connection, bytes; 0 (the default) leaves them to the OS, which on Linux keeps
/// receive-buffer autotuning on. See <see cref="MqttOptions.SocketBufferBytes"/>.
/// </param>
/// <param name="ReadBufferBytes">Bytes read from the socket at once; 0 (the default) reads as MQTTnet asks. See <see cref="MqttOptions.ReadBufferBytes"/>.</param>
/// <param name="AckCoalesceWindow">How long a PUBACK may wait to leave with others; zero (the default) sends each at once. See <see cref="MqttOptions.AckCoalesceWindow"/>.</param>
public sealed record MqttConnectionSettings(
    string Host,
    int Port,
    bool UseTls = false,
    string? CaCertificatePath = null,
    bool AllowUntrustedCertificates = false,
    string? Username = null,
    string? Password = null,
    int SocketBufferBytes = 0,
    int ReadBufferBytes = 0,
    TimeSpan AckCoalesceWindow = default)
{
    /// <summary>The settings <paramref name="options"/> describe: its URL, or the embedded broker when the URL is empty.</summary>
    /// <remarks>For the embedded broker this carries the configured credentials only; the server's own settings come from
    /// <see cref="FromOptions(MqttOptions, EmbeddedBrokerCredentials?)"/> with the worker's.</remarks>
    public static MqttConnectionSettings FromOptions(MqttOptions options) => FromOptions(options, null);

    /// <summary>
    /// As <see cref="FromOptions(MqttOptions)"/>, with the embedded broker's worker credentials when it is used: the one
    /// place the worker's (and the simulated ward's) settings are made.
    /// </summary>
    internal static MqttConnectionSettings FromOptions(MqttOptions options, EmbeddedBrokerCredentials? embedded)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.UsesEmbeddedBroker)
        {
            var host = options.EmbeddedBindAddress is "0.0.0.0" or "::" ? "127.0.0.1" : options.EmbeddedBindAddress;
            return embedded is null
                ? new MqttConnectionSettings(host, options.EmbeddedPort, Username: options.Username, Password: options.Password, SocketBufferBytes: options.SocketBufferBytes,
                    ReadBufferBytes: options.ReadBufferBytes, AckCoalesceWindow: options.AckCoalesceWindow)
                : new MqttConnectionSettings(host, options.EmbeddedPort, Username: embedded.UserName, Password: embedded.Password, SocketBufferBytes: options.SocketBufferBytes,
                    ReadBufferBytes: options.ReadBufferBytes, AckCoalesceWindow: options.AckCoalesceWindow);
        }

        var uri = new Uri(options.Url);
        var tls = string.Equals(uri.Scheme, "mqtts", StringComparison.OrdinalIgnoreCase);
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (tls ? 8883 : 1883) : uri.Port;
        return new MqttConnectionSettings(uri.Host, port, tls, options.CaCertificatePath, options.AllowUntrustedCertificates, options.Username, options.Password, options.SocketBufferBytes,
            options.ReadBufferBytes, options.AckCoalesceWindow);
    }

    /// <summary>
    /// Whether a client of these settings holds its PUBACKs in our stream and can make them wait for a commit
    /// (<see cref="CreateClientOptions(string, Func{bool})"/>): a coalescing window, and no TLS, under which the stream
    /// sees only encrypted records and cannot tell an acknowledgement.
    /// </summary>
    public bool HoldsAcknowledgements => AckCoalesceWindow > TimeSpan.Zero && !UseTls;

    /// <summary>An MQTT 5 client options builder for this broker, with TLS, credentials and socket buffers applied.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="beforeAcks">
    /// Where <see cref="HoldsAcknowledgements"/>: called before held PUBACKs are sent, which go only when it returns true.
    /// </param>
    public MqttClientOptionsBuilder CreateClientOptions(string clientId, Func<bool>? beforeAcks = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(SocketBufferBytes);
        if (beforeAcks is not null && !HoldsAcknowledgements)
        {
            throw new ArgumentException("Only a client that holds its acknowledgements can make them wait for a commit.", nameof(beforeAcks));
        }

        var provider = SocketBufferBytes == 0 && ReadBufferBytes == 0 && AckCoalesceWindow == TimeSpan.Zero
            ? MqttSocketStreamProvider.OsDefault
            : new MqttSocketStreamProvider(SocketBufferBytes, ReadBufferBytes, AckCoalesceWindow, beforeAcks);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(Host, Port)
            .WithStreamProvider(provider)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId);
        if (!string.IsNullOrEmpty(Username))
        {
            builder = builder.WithCredentials(Username, Password ?? string.Empty);
        }

        if (UseTls)
        {
            builder = builder.WithTlsOptions(tls =>
            {
                tls.UseTls();
                if (AllowUntrustedCertificates)
                {
                    tls.WithCertificateValidationHandler(static _ => true);
                }
                else if (!string.IsNullOrEmpty(CaCertificatePath))
                {
                    var ca = X509CertificateLoader.LoadCertificateFromFile(CaCertificatePath);
                    tls.WithTrustChain([ca]);
                }
            });
        }

        return builder;
    }

    public override string ToString() => $"{(UseTls ? "mqtts" : "mqtt")}://{Host}:{Port}";
}
