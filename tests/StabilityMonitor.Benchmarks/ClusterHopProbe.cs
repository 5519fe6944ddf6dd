using System.Diagnostics;
using System.Globalization;

namespace StabilityMonitor.Benchmarks;

/// <summary>
/// <see cref="ClusterHopBenchmark"/>'s operations counted over a long run instead of timed in iterations (docs/scale-out.md,
/// "The grain hop's cost"): allocation, the process's processor time per frame and, through the grains, messages per
/// call. Steadier than wall-clock times on a shared machine. <c>-- probe &lt;grains&gt; &lt;frames per device&gt; &lt;operations&gt;</c>.
/// </summary>
internal static class ClusterHopProbe
{
    private const int Devices = 100;

    public static void Run(bool grains, int framesPerDevice, int operations)
    {
        using var path = new InProcessPath(Devices, frameLog: true, loops: 1, cluster: grains);
        for (var i = 0; i < 20; i++)
        {
            path.FramesFromEveryDevice(framesPerDevice);
        }

        var messages = path.Counter("stability_cluster_messages_forwarded_total");
        var calls = path.Counter("stability_cluster_calls_total");
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < operations; i++)
        {
            path.FramesFromEveryDevice(framesPerDevice);
        }

        clock.Stop();
        // Includes this thread's spinning while it waits for the round: the slower side is charged a little extra.
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var frames = (double)operations * Devices * framesPerDevice;
        var perCall = (path.Counter("stability_cluster_messages_forwarded_total") - messages) / Math.Max(1, path.Counter("stability_cluster_calls_total") - calls);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"grains={grains} frames/device={framesPerDevice}: {clock.Elapsed.TotalMilliseconds / operations:F2} ms/op, {allocated / frames:F0} B/frame, CPU {cpu.TotalMicroseconds / frames:F1} us/frame, messages/call {perCall:F2}"));
    }
}
