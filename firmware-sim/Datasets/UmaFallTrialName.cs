using System.Globalization;
using System.Text.RegularExpressions;

namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>
/// A UMAFall file name, <c>UMAFall_Subject_&lt;NN&gt;_&lt;ADL|Fall&gt;_&lt;Activity&gt;_&lt;Trial&gt;_&lt;YYYY-MM-DD_hh-mm-ss&gt;.csv</c>.
/// Activities may contain underscores (<c>Sitting_GettingUpOnAChair</c>). The trial number is not
/// unique on its own; the whole file name is the key.
/// </summary>
/// <param name="Subject">E.g. <c>Subject_04</c>.</param>
/// <param name="Kind">Fall for <c>Fall</c> files, ADL for <c>ADL</c> files (UMAFall has no near-falls).</param>
/// <param name="Activity">The activity name, used as the activity code, e.g. <c>forwardFall</c>.</param>
/// <param name="Trial">Trial number (not unique on its own).</param>
/// <param name="Timestamp">Recording start as in the name, <c>YYYY-MM-DD_hh-mm-ss</c>.</param>
internal readonly partial record struct UmaFallTrialName(string Subject, TrialKind Kind, string Activity, int Trial, string Timestamp)
{
    public static bool TryParse(string fileName, out UmaFallTrialName name)
    {
        var match = Pattern().Match(fileName);
        if (!match.Success)
        {
            name = default;
            return false;
        }

        name = new UmaFallTrialName(
            match.Groups["subject"].Value,
            match.Groups["type"].Value == "Fall" ? TrialKind.Fall : TrialKind.Adl,
            match.Groups["activity"].Value,
            int.Parse(match.Groups["trial"].ValueSpan, CultureInfo.InvariantCulture),
            match.Groups["stamp"].Value);
        return true;
    }

    [GeneratedRegex(@"^UMAFall_(?<subject>Subject_[0-9]+)_(?<type>ADL|Fall)_(?<activity>.+)_(?<trial>[0-9]+)_(?<stamp>[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2})\.csv$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
