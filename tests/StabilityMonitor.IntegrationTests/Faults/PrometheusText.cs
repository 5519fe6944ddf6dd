using System.Globalization;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>The server's /metrics text (Prometheus text format): each sample line (name with labels) and its value.</summary>
internal sealed class PrometheusText
{
    private readonly Dictionary<string, double> _samples;

    private PrometheusText(Dictionary<string, double> samples) => _samples = samples;

    public static PrometheusText Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                // The exporter writes an empty label set as "name{}": the same series as "name".
                var series = line[..space];
                samples[series.EndsWith("{}", StringComparison.Ordinal) ? series[..^2] : series] = value;
            }
        }

        return new PrometheusText(samples);
    }

    /// <summary>One series' value (<c>name</c> or <c>name{labels}</c> exactly as written), or null when absent.</summary>
    public double? Value(string series) => _samples.TryGetValue(series, out var v) ? v : null;

    /// <summary>True when the text has a sample of <paramref name="name"/> (any labels).</summary>
    public bool Has(string name) => _samples.Keys.Any(k => k == name || k.StartsWith(name + "{", StringComparison.Ordinal));

    /// <summary>The sum over every label set of <paramref name="name"/> (0 when absent).</summary>
    public long Sum(string name) =>
        (long)_samples.Where(s => s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal)).Sum(static s => s.Value);

    /// <summary>The sample of <paramref name="name"/> whose labels contain <paramref name="label"/> (e.g. <c>reason="x"</c>), 0 when absent.</summary>
    public long Of(string name, string label) =>
        (long)_samples.Where(s => s.Key.StartsWith(name + "{", StringComparison.Ordinal) && s.Key.Contains(label, StringComparison.Ordinal)).Sum(static s => s.Value);

    /// <summary>Every sample line of names starting with <paramref name="prefix"/>, for the test output.</summary>
    public string Lines(string prefix) =>
        string.Join('\n', _samples.Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(static s => $"{s.Key} {s.Value.ToString(CultureInfo.InvariantCulture)}"));
}
