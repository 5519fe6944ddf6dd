using System.CommandLine;
using StabilityMonitor.FirmwareSim.Load;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>
/// <c>firmware-sim load [--devices N] [--connections C] [--duration TIME | --burst M] [--near-falls K --server URL]</c>:
/// many emulated wearables from one process, for the load benchmark (docs/performance.md).
/// </summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var broker = LoadOptions.Broker();
        var username = new Option<string?>("--username") { Description = "Broker user name. Default: anonymous.", HelpName = "NAME" };
        var password = new Option<string?>("--password") { Description = "Broker password. Default: $FIRMWARE_SIM_PASSWORD when set.", HelpName = "SECRET" };
        var devices = LoadOptions.Positive("--devices", "Emulated wearables (ids PREFIX00000, ...). Default 100.", 100, 100_000);
        var idPrefix = new Option<string>("--id-prefix")
        {
            Description = "Prefix of the device ids. Default load-; give each run its own so that servers see new devices.",
            HelpName = "PREFIX",
            DefaultValueFactory = static _ => "load-",
        };
        var rate = LoadOptions.Positive("--rate", "Sample rate, Hz. Default 50.", 50, 1000);
        var frameSamples = LoadOptions.Positive("--frame-samples", "Samples per frame. Default 25.", 25, 1000);
        var qos = new Option<int>("--qos") { Description = "QoS of the frames, 1 (default) or 0.", HelpName = "0|1", DefaultValueFactory = static _ => 1 };
        qos.AcceptOnlyFromAmong("0", "1");
        var connections = new Option<int>("--connections")
        {
            Description = "MQTT connections the devices share, as gateways do. 0 = one connection per device. Default 4.",
            HelpName = "C",
            DefaultValueFactory = static _ => 4,
        };
        connections.Validators.Add(static r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--connections must be 0 or more.");
            }
        });
        var inFlight = LoadOptions.Positive("--in-flight", "Unacknowledged publishes per connection. Default 256.", 256, 65_535);
        var duration = LoadOptions.Duration("--duration", "Steady mode: how long every device streams in real time (30s, 5m). Default 30s.");
        var burst = new Option<long?>("--burst")
        {
            Description = "Burst mode: publish M frames in all (spread over the devices) as fast as the broker acknowledges.",
            HelpName = "M",
        };
        burst.Validators.Add(static r =>
        {
            if (r.GetValueOrDefault<long?>() is { } v && v < 1)
            {
                r.AddError("--burst must be 1 or more.");
            }
        });
        var nearFalls = new Option<int>("--near-falls")
        {
            Description = "Steady mode: near-falls (scripted stumbles) injected at known times, each on its own device. Default 0.",
            HelpName = "K",
        };
        var server = new Option<string?>("--server")
        {
            Description = "Server whose dashboard hub reports the near-falls (http://127.0.0.1:5080); without it no latency is measured.",
            HelpName = "URL",
        };
        var watch = new Option<string>("--watch")
        {
            Description = "Where to see the near-falls: 'hub' (the dashboard hub, falling back to the event API when it is absent; default) or 'events' (only the event API, polled every 100 ms).",
            HelpName = "hub|events",
            DefaultValueFactory = static _ => "hub",
        };
        watch.AcceptOnlyFromAmong("hub", "events");
        var user = new Option<string>("--server-user") { Description = "Dashboard user. Default admin.", HelpName = "NAME", DefaultValueFactory = static _ => "admin" };
        var serverPassword = new Option<string?>("--server-password")
        {
            Description = "Dashboard password. Default: $LOAD_SERVER_PASSWORD.",
            HelpName = "SECRET",
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the frame pool. Default 1.", HelpName = "N", DefaultValueFactory = static _ => 1 };
        var clientIdPrefix = new Option<string>("--client-id-prefix")
        {
            Description = "Prefix of the MQTT client ids. Default fwload-.",
            HelpName = "PREFIX",
            DefaultValueFactory = static _ => "fwload-",
        };

        var command = new Command(
            "load",
            "Load generator: N emulated wearables from one process (pre-encoded frames, gateway-style shared connections), "
            + "steady in real time or a burst; injects near-falls and measures when their alerts reach the dashboard hub; "
            + "prints a JSON summary.")
        {
            broker, username, password, devices, idPrefix, rate, frameSamples, qos, connections, inFlight, duration, burst,
            nearFalls, server, watch, user, serverPassword, seed, clientIdPrefix,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            BrokerOptionSet.TryParseBroker(parseResult.GetValue(broker), out var endpoint, out _);
            DurationText.TryParse(parseResult.GetValue(duration), out var seconds);
            var serverText = parseResult.GetValue(server);
            var settings = new LoadSettings
            {
                Broker = endpoint! with
                {
                    Username = parseResult.GetValue(username),
                    Password = parseResult.GetValue(password) ?? Environment.GetEnvironmentVariable("FIRMWARE_SIM_PASSWORD"),
                },
                Devices = parseResult.GetValue(devices),
                IdPrefix = parseResult.GetValue(idPrefix) ?? "load-",
                RateHz = parseResult.GetValue(rate),
                SamplesPerFrame = parseResult.GetValue(frameSamples),
                AtMostOnce = parseResult.GetValue(qos) == 0,
                Connections = parseResult.GetValue(connections),
                InFlight = parseResult.GetValue(inFlight),
                Duration = TimeSpan.FromSeconds(seconds),
                BurstFrames = parseResult.GetValue(burst),
                NearFalls = parseResult.GetValue(nearFalls),
                Server = string.IsNullOrEmpty(serverText) ? null : new Uri(serverText),
                WatchEventsOnly = parseResult.GetValue(watch) == "events",
                ServerUser = parseResult.GetValue(user) ?? "admin",
                ServerPassword = parseResult.GetValue(serverPassword) ?? Environment.GetEnvironmentVariable("LOAD_SERVER_PASSWORD"),
                Seed = parseResult.GetValue(seed),
                ClientIdPrefix = parseResult.GetValue(clientIdPrefix) ?? "fwload-",
            };
            var invocation = parseResult.InvocationConfiguration;
            return await LoadAction.ExecuteAsync(settings, invocation.Output, invocation.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
