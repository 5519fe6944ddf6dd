using System.CommandLine;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>Options the load commands (<c>load</c>, <c>bare-sub</c>) build alike.</summary>
internal static class LoadOptions
{
    public static Option<string> Broker()
    {
        var broker = new Option<string>("--broker")
        {
            Description = "Broker URL: mqtt://host[:port] or mqtts://host[:port]. Default mqtt://127.0.0.1:1883.",
            HelpName = "URL",
            DefaultValueFactory = static _ => BrokerOptionSet.DefaultBroker,
        };
        broker.Validators.Add(static r =>
        {
            if (!BrokerOptionSet.TryParseBroker(r.GetValueOrDefault<string>(), out _, out var error))
            {
                r.AddError(error);
            }
        });
        return broker;
    }

    public static Option<int> Positive(string name, string description, int defaultValue, int max)
    {
        var option = new Option<int>(name) { Description = description, HelpName = "N", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is var v && (v < 1 || v > max))
            {
                r.AddError($"{name} must be 1..{max}.");
            }
        });
        return option;
    }

    public static Option<string> Duration(string name, string description, string defaultValue = "30s")
    {
        var option = new Option<string>(name) { Description = description, HelpName = "TIME", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (!DurationText.TryParse(r.GetValueOrDefault<string>(), out var s) || s <= 0)
            {
                r.AddError($"{name} must be a positive time such as 30s, 10m or 1h.");
            }
        });
        return option;
    }
}
