namespace StabilityMonitor.Signal.Tests.Evaluation;

/// <summary>
/// Invented SisFall-format text (not taken from the dataset): nine right-aligned integers per line,
/// ';' and CRLF. Columns 1-3 are the ADXL345 counts (256 per g).
/// </summary>
internal static class SisFallLines
{
    public static string Line(int x, int y, int z) => $"{x,5},{y,5},{z,5},  -12,   34,    5,  {x * 4,5},{y * 4,5},{z * 4,5};\r\n";

    /// <summary>Upright on every line: Y at -1 g (-256 counts).</summary>
    public static string Upright(int lines)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < lines; i++)
        {
            text.Append(Line(0, -256, 0));
        }

        return text.ToString();
    }
}
