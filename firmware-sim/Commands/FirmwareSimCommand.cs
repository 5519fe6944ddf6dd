using System.CommandLine;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>The <c>firmware-sim</c> command line.</summary>
internal static class FirmwareSimCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("StabilityMonitor firmware simulator: replays recorded accelerometer data through the device processor.");
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(TuneCommand.Create());
        return root;
    }
}
