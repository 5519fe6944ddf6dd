using System.Text.RegularExpressions;

namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>A SisFall trial file name, <c>&lt;CODE&gt;_&lt;SUBJECT&gt;_&lt;TRIAL&gt;.txt</c>, e.g. <c>F05_SA01_R04.txt</c>.</summary>
internal readonly partial record struct SisFallTrialName(string Code, string Subject, string Trial)
{
    /// <summary>The only near-fall code in SisFall: stumble while walking.</summary>
    public const string NearFallCode = "D18";

    public TrialKind Kind => KindOf(Code);

    /// <summary>F* = fall, D18 = near-fall, any other D code = ADL.</summary>
    public static TrialKind KindOf(string code)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        if (code[0] == 'F')
        {
            return TrialKind.Fall;
        }

        return code == NearFallCode ? TrialKind.NearFall : TrialKind.Adl;
    }

    /// <summary>Parses a bare file name; false for anything else (Readme.txt, desktop.ini, ...).</summary>
    public static bool TryParse(string fileName, out SisFallTrialName name)
    {
        var match = Pattern().Match(fileName);
        name = match.Success
            ? new SisFallTrialName(match.Groups["code"].Value, match.Groups["subject"].Value, match.Groups["trial"].Value)
            : default;
        return match.Success;
    }

    public override string ToString() => $"{Code}_{Subject}_{Trial}";

    [GeneratedRegex(@"^(?<code>[DF][0-9]{2})_(?<subject>[A-Z]{2}[0-9]{2})_(?<trial>R[0-9]{2})\.txt$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
