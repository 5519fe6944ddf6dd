using System.Diagnostics;
using System.Runtime.InteropServices;

namespace StabilityMonitor.IntegrationTests.Simulator;

/// <summary>
/// docs/simulator.md: Ctrl+C (SIGINT) stops a run cleanly, writes the ground truth up to the stop, prints the summary
/// and exits with 130. The real command as a child process (`dotnet firmware-sim.dll run`) against real mosquitto.
/// </summary>
public sealed class RunInterruptTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_Sigint_StopsCleanly_GroundTruthWritten_Exit130()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var folder = Directory.CreateTempSubdirectory("sm-sim-int-");
        try
        {
            var truth = Path.Combine(folder.FullName, "truth.jsonl");
            using var process = StartRun(broker, truth);
            var stderr = process.StandardError.ReadToEndAsync();
            var first = await process.StandardOutput.ReadLineAsync().WaitAsync(s_timeout);
            Assert.StartsWith("scenario", first, StringComparison.Ordinal);

            // Let it connect and publish a little (a gate, not a measure), then Ctrl+C.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.False(process.HasExited, await ErrorsAsync(process, stderr));
            Assert.Equal(0, NativeMethods.Kill(process.Id, NativeMethods.SigInt));

            var rest = await process.StandardOutput.ReadToEndAsync().WaitAsync(s_timeout);
            await process.WaitForExitAsync().WaitAsync(s_timeout);

            Assert.True(process.ExitCode == 130, $"exit code {process.ExitCode}\n{rest}\n{await stderr}");
            // A process ended by the signal itself also reports 130: the truth file and the summary, written after the
            // run stopped, are what show that the stop was the clean one.
            Assert.True(File.Exists(truth), "no ground truth written");
            Assert.Contains("ground truth: ", rest, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Run_SecondSigint_EndsTheProcessAtOnce_WithoutTheCleanStop()
    {
        // docs/simulator.md: a second Ctrl+C ends the process at once. The broker is frozen (SIGSTOP) so that the clean
        // stop the first Ctrl+C begins waits on it (each device's offline status is a QoS 1 publish, given 3 s); the
        // second lands in that wait. Had it been taken as another request to stop cleanly, the run would finish that
        // stop and write the truth and the summary; ended at once, it writes neither.
        await using var broker = await MosquittoBroker.StartAsync();
        var folder = Directory.CreateTempSubdirectory("sm-sim-int2-");
        var brokerPid = MosquittoPid(broker);
        try
        {
            var truth = Path.Combine(folder.FullName, "truth.jsonl");
            using var process = StartRun(broker, truth);
            var stderr = process.StandardError.ReadToEndAsync();
            var first = await process.StandardOutput.ReadLineAsync().WaitAsync(s_timeout);
            Assert.StartsWith("scenario", first, StringComparison.Ordinal);
            var rest = process.StandardOutput.ReadToEndAsync();

            // Publishing to the broker for a moment (a gate, not a measure), then the broker stops answering.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.False(process.HasExited, await ErrorsAsync(process, stderr));
            Assert.Equal(0, NativeMethods.Kill(brokerPid, NativeMethods.SigStop));
            await Task.Delay(TimeSpan.FromMilliseconds(500));

            Assert.Equal(0, NativeMethods.Kill(process.Id, NativeMethods.SigInt));
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            Assert.Equal(0, NativeMethods.Kill(process.Id, NativeMethods.SigInt));

            await process.WaitForExitAsync().WaitAsync(s_timeout);
            var output = await rest.WaitAsync(s_timeout);
            Assert.True(process.ExitCode == 130, $"exit code {process.ExitCode}\n{output}\n{await stderr}");
            Assert.DoesNotContain("ground truth: ", output, StringComparison.Ordinal);
            Assert.False(File.Exists(truth), $"the ground truth was written: the clean stop ran to its end\n{output}");
        }
        finally
        {
            _ = NativeMethods.Kill(brokerPid, NativeMethods.SigCont);
            folder.Delete(recursive: true);
        }
    }

    private static Process StartRun(MosquittoBroker broker, string truth)
    {
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

        // Through env(1) with SIGINT's default action: a test run started in the background of a non-interactive shell
        // (`scripts/test.sh &`, nohup) has SIGINT ignored, the child would inherit that, and the Ctrl+C under test would
        // never arrive. env execs, so the process's id is the run's.
        var info = new ProcessStartInfo("env") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--default-signal=INT", host, Path.Combine(AppContext.BaseDirectory, "firmware-sim.dll"), "run", "--broker", $"mqtt://127.0.0.1:{broker.Port}",
            "--devices", "2", "--duration", "300s", "--seed", "7", "--ground-truth", truth,
        })
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    /// <summary>The broker's process, found by its configuration file (the fixture keeps its process private).</summary>
    private static int MosquittoPid(MosquittoBroker broker)
    {
        var config = Path.Combine(broker.Directory, "mosquitto.conf");
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(config, StringComparison.Ordinal))
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        throw new InvalidOperationException($"no mosquitto process with {config}");
    }

    private static async Task<string> ErrorsAsync(Process process, Task<string> stderr) =>
        process.HasExited ? $"exited early with {process.ExitCode}: {await stderr}" : string.Empty;

    // libc's kill(2): a fresh machine need not have the kill program (procps).
    private static class NativeMethods
    {
        public const int SigInt = 2;
        public const int SigCont = 18;
        public const int SigStop = 19;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}
