using System.CommandLine;
using StabilityMonitor.FirmwareSim.Commands;

namespace StabilityMonitor.Signal.Tests.Evaluation;

/// <summary>Runs the <c>firmware-sim</c> command line in-process, capturing its output.</summary>
internal sealed record CommandRun(int ExitCode, string Output, string Error)
{
    public static CommandRun Invoke(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = FirmwareSimCommand.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return new CommandRun(exitCode, output.ToString(), error.ToString());
    }
}
