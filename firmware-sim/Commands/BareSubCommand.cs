using System.CommandLine;
using StabilityMonitor.FirmwareSim.Load;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary><c>firmware-sim bare-sub [--prepare] [--expect N] [--warm-up N] [--idle TIME]</c>: the bare MQTTnet subscriber the server is measured against.</summary>
internal static class BareSubCommand
{
    public static Command Create()
    {
        var broker = LoadOptions.Broker();
        var clientId = new Option<string>("--client-id")
        {
            Description = "MQTT client id of the persistent session. Default fwsim-bare-sub.",
            HelpName = "ID",
            DefaultValueFactory = static _ => "fwsim-bare-sub",
        };
        var topic = new Option<string>("--topic") { Description = "Topic filter. Default wearables/+/accel.", HelpName = "FILTER", DefaultValueFactory = static _ => "wearables/+/accel" };
        var qos = new Option<int>("--qos") { Description = "QoS of the subscription, 1 (default) or 0.", HelpName = "0|1", DefaultValueFactory = static _ => 1 };
        qos.AcceptOnlyFromAmong("0", "1");
        var prepare = new Option<bool>("--prepare")
        {
            Description = "Only create the persistent session (clean start, subscribe) and leave, so that the broker queues what follows.",
        };
        var expect = new Option<long?>("--expect") { Description = "Stop after this many messages.", HelpName = "N" };
        var warmUp = new Option<long>("--warm-up")
        {
            Description = "Take this many messages first, outside the figures (--expect counts after them); prints {\"warm\":N} to standard error when they are in. Default 0.",
            HelpName = "N",
            DefaultValueFactory = static _ => 0,
        };
        warmUp.Validators.Add(static r =>
        {
            if (r.GetValueOrDefault<long>() < 0)
            {
                r.AddError("--warm-up must not be negative.");
            }
        });
        var idle = LoadOptions.Duration("--idle", "Without --expect: stop when nothing arrived for this long. Default 5s.", "5s");
        var timeout = LoadOptions.Duration("--timeout", "Give up after this long. Default 10m.", "10m");
        var sessionExpiry = new Option<string>("--session-expiry")
        {
            Description = "Session expiry interval (0s = the broker forgets the session on disconnect, so that nothing queues for it afterwards). Default 1h.",
            HelpName = "TIME",
            DefaultValueFactory = static _ => "1h",
        };
        sessionExpiry.Validators.Add(static r =>
        {
            if (!DurationText.TryParse(r.GetValueOrDefault<string>(), out var s) || s < 0)
            {
                r.AddError("--session-expiry must be a time such as 0s, 10m or 1h.");
            }
        });
        var receiveMaximum = LoadOptions.Positive("--receive-maximum", "MQTT 5 receive maximum, as the server's Mqtt:ReceiveMaximum. Default 2048.", 2048, 65_535);

        var command = new Command(
            "bare-sub",
            "A bare MQTTnet subscriber that only counts messages: the ceiling the server's ingestion is compared with. "
            + "Prints received, rate, and its own CPU and allocation per message (JSON).")
        {
            broker, clientId, topic, qos, prepare, expect, warmUp, idle, timeout, sessionExpiry, receiveMaximum,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            BrokerOptionSet.TryParseBroker(parseResult.GetValue(broker), out var endpoint, out _);
            DurationText.TryParse(parseResult.GetValue(idle), out var idleSeconds);
            DurationText.TryParse(parseResult.GetValue(timeout), out var timeoutSeconds);
            DurationText.TryParse(parseResult.GetValue(sessionExpiry), out var expirySeconds);
            var settings = new BareSubscriberSettings
            {
                Broker = endpoint!,
                ClientId = parseResult.GetValue(clientId) ?? "fwsim-bare-sub",
                Topic = parseResult.GetValue(topic) ?? "wearables/+/accel",
                AtMostOnce = parseResult.GetValue(qos) == 0,
                Prepare = parseResult.GetValue(prepare),
                Expect = parseResult.GetValue(expect),
                WarmUp = parseResult.GetValue(warmUp),
                Idle = TimeSpan.FromSeconds(idleSeconds),
                Timeout = TimeSpan.FromSeconds(timeoutSeconds),
                ReceiveMaximum = (ushort)parseResult.GetValue(receiveMaximum),
                SessionExpiry = TimeSpan.FromSeconds(expirySeconds),
            };
            var invocation = parseResult.InvocationConfiguration;
            return await BareSubscriberAction.ExecuteAsync(settings, invocation.Output, invocation.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
