namespace StabilityMonitor.FirmwareSim.Streaming;

/// <summary>The result of publishing a set of device streams.</summary>
/// <param name="Devices">Per device.</param>
/// <param name="WallSeconds">Wall-clock time taken.</param>
/// <param name="RunSeconds">Run time reached (the least of the devices that did not finish: where a Ctrl+C stopped it).</param>
/// <param name="Cancelled">Whether it was stopped before the end.</param>
internal sealed record RunSummary(IReadOnlyList<DeviceRunStats> Devices, double WallSeconds, double RunSeconds, bool Cancelled)
{
    public long Frames => Devices.Sum(static d => Interlocked.Read(ref d.Frames));

    public long Errors => Devices.Sum(static d => Interlocked.Read(ref d.Errors));

    public long Malformed => Devices.Sum(static d => Interlocked.Read(ref d.Malformed));

    public void Write(TextWriter writer)
    {
        writer.WriteLine(FormattableString.Invariant(
            $"{(Cancelled ? "stopped" : "done")}: {Devices.Count} devices, {Frames} frames, {Malformed} malformed, {Errors} errors, run time {RunSeconds:0.0} s in {WallSeconds:0.0} s wall"));
        foreach (var d in Devices)
        {
            writer.WriteLine(FormattableString.Invariant(
                $"  {d.Id,-24} frames {d.Frames,7}  status {d.Statuses,4}  malformed {d.Malformed,4}  drops {d.Drops,2}  connects {d.Connects,2}  errors {d.Errors,3}{(d.LastError is null ? string.Empty : "  last error: " + d.LastError)}"));
        }
    }
}
