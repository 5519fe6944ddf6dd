using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace StabilityMonitor.Mqtt;

/// <summary>
/// The worker's credentials for the embedded broker: <see cref="MqttOptions.Username"/> and
/// <see cref="MqttOptions.Password"/> when a password is configured, otherwise the client id and a random
/// 32-byte token made at start. Only this process knows the token, so no other client can present it.
/// </summary>
internal sealed class EmbeddedBrokerCredentials
{
    private readonly byte[] _password;

    public EmbeddedBrokerCredentials(IOptions<MqttOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        ClientId = value.ClientId;
        if (string.IsNullOrEmpty(value.Password))
        {
            UserName = value.ClientId;
            Password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        }
        else
        {
            UserName = string.IsNullOrEmpty(value.Username) ? value.ClientId : value.Username;
            Password = value.Password;
        }

        _password = Encoding.UTF8.GetBytes(Password);
    }

    /// <summary>The worker's client id: only a client with these credentials may use it.</summary>
    public string ClientId { get; }

    public string UserName { get; }

    public string Password { get; }

    /// <summary>Whether <paramref name="userName"/> and <paramref name="password"/> are the worker's, compared in constant time.</summary>
    public bool AreWorkers(string? userName, ReadOnlySpan<byte> password) =>
        string.Equals(userName, UserName, StringComparison.Ordinal)
        && CryptographicOperations.FixedTimeEquals(password, _password);
}
