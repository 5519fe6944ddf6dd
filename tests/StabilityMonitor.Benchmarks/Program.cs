using System.Globalization;
using BenchmarkDotNet.Running;
using StabilityMonitor.Benchmarks;

if (args is ["probe", var grains, var frames, var operations])
{
    ClusterHopProbe.Run(bool.Parse(grains), int.Parse(frames, CultureInfo.InvariantCulture), int.Parse(operations, CultureInfo.InvariantCulture));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
