namespace StabilityMonitor.Influx.Tests;

/// <summary>
/// Entry point of the test assembly. The test host never calls it; <c>dotnet StabilityMonitor.Influx.Tests.dll produce ...</c>
/// runs <see cref="ProducerProcess"/>, the child that the kill test SIGKILLs mid-run.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "produce")
        {
            return await ProducerProcess.RunAsync(args[1..]);
        }

        await Console.Error.WriteLineAsync("Run the tests with dotnet test; 'produce' is the kill test's child mode.");
        return 2;
    }
}
