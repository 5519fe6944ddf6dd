namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>A run of consecutive samples, [<see cref="Start"/>, <see cref="End"/>).</summary>
internal readonly record struct SampleSegment(int Start, int Length)
{
    public int End => Start + Length;
}
