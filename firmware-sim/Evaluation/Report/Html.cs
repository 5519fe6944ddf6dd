using System.Globalization;
using System.Net;

namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>Escaping and number formatting shared by the report's writers.</summary>
internal static class Html
{
    /// <summary>Text or attribute value from data (file names, codes, subjects): &lt; &gt; &amp; and both quotes escaped.</summary>
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>A coordinate or length in an SVG: invariant, at most one decimal.</summary>
    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
