using System.CommandLine;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>The <c>firmware-sim</c> command line.</summary>
internal static class FirmwareSimCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "StabilityMonitor firmware simulator: emulates wearables over MQTT (run), replays recordings over MQTT (replay), "
            + "scores what the server raised against ground truth (score), checks the motion models against real recordings "
            + "(check-models), replays recorded data through the device processor offline (evaluate, tune), and measures the server under load (load, bare-sub).");
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(TuneCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(ScoreCommand.Create());
        root.Subcommands.Add(CheckModelsCommand.Create());
        root.Subcommands.Add(LoadCommand.Create());
        root.Subcommands.Add(BareSubCommand.Create());
        root.Subcommands.Add(HubWatchCommand.Create());
        return root;
    }
}
