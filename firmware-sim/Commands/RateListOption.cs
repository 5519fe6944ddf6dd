using System.CommandLine;
using System.Globalization;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>An option taking sample rates as a comma-separated list (<c>--rates 200,100,50</c>), in Hz.</summary>
internal static class RateListOption
{
    public static Option<int[]> Create(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "LIST",
        AllowMultipleArgumentsPerToken = true,
        CustomParser = static result =>
        {
            var rates = new List<int>();
            foreach (var value in result.Tokens.SelectMany(static t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var hz) || hz is < 1 or > 1000)
                {
                    result.AddError($"'{value}' is not a sample rate (a whole number of Hz, 1..1000).");
                    return [];
                }

                rates.Add(hz);
            }

            return [.. rates];
        },
    };
}
