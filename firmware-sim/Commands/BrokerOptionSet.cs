using System.CommandLine;
using System.Globalization;
using StabilityMonitor.FirmwareSim.Streaming;
using StabilityMonitor.Mqtt;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>The options every publishing command shares: broker, TLS, credentials, client ids, speed.</summary>
internal sealed class BrokerOptionSet
{
    public const string DefaultBroker = "mqtt://127.0.0.1:1883";

    public Option<string> Broker { get; } = new("--broker")
    {
        Description = "Broker URL: mqtt://host[:port] (default port 1883) or mqtts://host[:port] (TLS, default port 8883).",
        HelpName = "URL",
        DefaultValueFactory = static _ => DefaultBroker,
    };

    public Option<string?> Username { get; } = new("--username")
    {
        Description = "User name for the broker. Default: none (anonymous).",
        HelpName = "NAME",
    };

    public Option<string?> Password { get; } = new("--password")
    {
        Description = "Password for the broker. Default: the environment variable FIRMWARE_SIM_PASSWORD when set, else none.",
        HelpName = "SECRET",
    };

    public Option<FileInfo?> CaFile { get; } = new("--ca-file")
    {
        Description = "mqtts: PEM file of the CA that signed the broker's certificate, when it is not in the system store.",
        HelpName = "PEM",
    };

    public Option<bool> Insecure { get; } = new("--insecure")
    {
        Description = "mqtts: accept any broker certificate (test brokers only).",
    };

    public Option<string> ClientIdPrefix { get; } = new("--client-id-prefix")
    {
        Description = "Prefix of each emulated device's MQTT client id (client id = prefix + device id), so that the "
            + "simulator's sessions never take over real devices' sessions.",
        HelpName = "PREFIX",
        DefaultValueFactory = static _ => "fwsim-",
    };

    public Option<string> Speed { get; } = new("--speed")
    {
        Description = "Pace: 1 = real time (default), N = N times faster (e.g. 10), 'max' = as fast as the broker acknowledges. "
            + "Device timestamps are always the emulated clock, so the server's results do not depend on the speed.",
        HelpName = "1|N|max",
        DefaultValueFactory = static _ => "1",
    };

    public Option<int> Qos { get; } = new("--qos")
    {
        Description = "QoS of the sample frames: 1 (default, as the firmware sends) or 0. Status messages are always QoS 1, retained.",
        HelpName = "0|1",
        DefaultValueFactory = static _ => 1,
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        Qos.AcceptOnlyFromAmong("0", "1");
        Speed.Validators.Add(static result =>
        {
            if (!TryParseSpeed(result.GetValueOrDefault<string>(), out _))
            {
                result.AddError("--speed must be a positive number (1 = real time) or 'max'.");
            }
        });
        Broker.Validators.Add(static result =>
        {
            if (!TryParseBroker(result.GetValueOrDefault<string>(), out _, out var error))
            {
                result.AddError(error);
            }
        });
        command.Options.Add(Broker);
        command.Options.Add(Username);
        command.Options.Add(Password);
        command.Options.Add(CaFile);
        command.Options.Add(Insecure);
        command.Options.Add(ClientIdPrefix);
        command.Options.Add(Speed);
        command.Options.Add(Qos);
    }

    public BrokerSettings Read(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        TryParseBroker(parseResult.GetValue(Broker), out var endpoint, out _);
        TryParseSpeed(parseResult.GetValue(Speed), out var speed);
        var password = parseResult.GetValue(Password) ?? Environment.GetEnvironmentVariable("FIRMWARE_SIM_PASSWORD");
        var settings = endpoint! with
        {
            Username = parseResult.GetValue(Username),
            Password = password,
            CaCertificatePath = parseResult.GetValue(CaFile)?.FullName,
            AllowUntrustedCertificates = parseResult.GetValue(Insecure),
        };
        return new BrokerSettings(settings, parseResult.GetValue(ClientIdPrefix) ?? string.Empty, speed, parseResult.GetValue(Qos) == 0);
    }

    public static bool TryParseSpeed(string? text, out double speed)
    {
        speed = 0;
        if (string.Equals(text, "max", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var trimmed = text?.TrimEnd('x', 'X');
        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out speed) && speed > 0 && double.IsFinite(speed);
    }

    public static bool TryParseBroker(string? text, out MqttConnectionSettings? settings, out string error)
    {
        settings = null;
        error = string.Empty;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "mqtts") || string.IsNullOrEmpty(uri.Host))
        {
            error = $"--broker '{text}' is not mqtt://host[:port] or mqtts://host[:port].";
            return false;
        }

        var tls = uri.Scheme == "mqtts";
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (tls ? 8883 : 1883) : uri.Port;
        settings = new MqttConnectionSettings(uri.Host, port, tls);
        return true;
    }
}
