using System.Globalization;

namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>Parses run-time durations: <c>500ms</c>, <c>30s</c>, <c>2.5m</c>, <c>1h</c>, <c>1m30s</c>, or a plain number of seconds.</summary>
public static class DurationText
{
    /// <summary>Parses <paramref name="text"/> into seconds; false when it is not a duration.</summary>
    public static bool TryParse(string? text, out double seconds)
    {
        seconds = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var negative = s.StartsWith('-');
        if (negative || s.StartsWith('+'))
        {
            s = s[1..];
        }

        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            seconds = negative ? -plain : plain;
            return double.IsFinite(seconds);
        }

        var i = 0;
        var any = false;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (i == start || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            double? scale = s[unitStart..i] switch
            {
                "ms" => 0.001,
                "s" => 1,
                "m" or "min" => 60,
                "h" => 3600,
                _ => null,
            };
            if (scale is null)
            {
                return false;
            }

            seconds += value * scale.Value;
            any = true;
        }

        seconds = negative ? -seconds : seconds;
        return any && double.IsFinite(seconds);
    }

    /// <summary>Formats seconds the way the parser reads them back (<c>1m30s</c>, <c>2.5s</c>).</summary>
    public static string Format(double seconds)
    {
        if (seconds >= 60 && Math.Abs(seconds % 60) < 1e-9)
        {
            return (seconds / 60).ToString("0.###", CultureInfo.InvariantCulture) + "m";
        }

        return seconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
    }
}
