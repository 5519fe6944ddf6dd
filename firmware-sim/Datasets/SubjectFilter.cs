namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>Which subjects to read: an optional include list, then an exclude list (case-insensitive).</summary>
internal sealed class SubjectFilter
{
    private readonly HashSet<string> _include;
    private readonly HashSet<string> _exclude;

    public SubjectFilter(IEnumerable<string>? include = null, IEnumerable<string>? exclude = null)
    {
        _include = Split(include);
        _exclude = Split(exclude);
    }

    public static SubjectFilter All { get; } = new();

    /// <summary>Subjects asked for explicitly; empty means every subject.</summary>
    public IReadOnlyCollection<string> Included => _include;

    public IReadOnlyCollection<string> Excluded => _exclude;

    public bool Accepts(string subject) =>
        (_include.Count == 0 || _include.Contains(subject)) && !_exclude.Contains(subject);

    // Entries may themselves be comma-separated lists ("SA01,SA02"), as typed on a command line.
    private static HashSet<string> Split(IEnumerable<string>? entries)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries ?? [])
        {
            foreach (var name in entry.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                set.Add(name);
            }
        }

        return set;
    }
}
