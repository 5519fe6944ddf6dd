namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>
/// Reads a dataset's trial files in parallel, keeping input order. A file that cannot be read (no waist
/// stream, a malformed row) is set aside with its reason instead of ending the whole run: a complete
/// public dataset has such files, and one bad trial must not cost the scores of all the others.
/// </summary>
internal static class RecordingLoader
{
    public static IReadOnlyList<Recording> ReadAll<TTrial>(
        IReadOnlyList<TTrial> trials,
        Func<TTrial, Recording> read,
        Func<TTrial, string> describe,
        ICollection<string>? skipped)
    {
        var recordings = new Recording?[trials.Count];
        var reasons = new string?[trials.Count];
        Parallel.For(0, trials.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            try
            {
                recordings[i] = read(trials[i]);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                reasons[i] = $"{describe(trials[i])}: {ex.Message}";
            }
        });

        foreach (var reason in reasons)
        {
            if (reason is not null)
            {
                skipped?.Add(reason);
            }
        }

        return [.. recordings.OfType<Recording>()];
    }
}
