using System.Globalization;
using System.Text;

namespace StabilityMonitor.Influx.Query;

/// <summary>Quoting for InfluxQL text built from values (never concatenate a raw value into a query).</summary>
internal static class InfluxQl
{
    /// <summary>A string literal: single quotes, with '\' and '\'' escaped.</summary>
    public static string Literal(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('\'');
        foreach (char c in value)
        {
            if (c is '\\' or '\'')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.Append('\'').ToString();
    }

    /// <summary>An identifier: double quotes, with '\' and '"' escaped.</summary>
    public static string Identifier(string name)
    {
        var sb = new StringBuilder(name.Length + 2).Append('"');
        foreach (char c in name)
        {
            if (c is '\\' or '"')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.Append('"').ToString();
    }

    /// <summary>An absolute time as epoch nanoseconds (InfluxQL's unit for bare integers compared with time).</summary>
    public static string Time(long unixMicros) => (unixMicros * 1000).ToString(CultureInfo.InvariantCulture);
}
