using System.Text;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline;

/// <summary>Metric labels of <see cref="RejectReason"/>, computed once.</summary>
public static class RejectReasons
{
    /// <summary>Size of arrays indexed by <see cref="RejectReason"/>.</summary>
    public const int Count = 64;

    private static readonly string?[] s_labels = BuildLabels();

    /// <summary>Every defined reason, in value order.</summary>
    public static IReadOnlyList<RejectReason> All { get; } = Enum.GetValues<RejectReason>();

    /// <summary>The snake_case label of <paramref name="reason"/>.</summary>
    public static string Label(RejectReason reason) => s_labels[(int)reason] ?? "other";

    /// <summary>The reject reason for a codec error.</summary>
    public static RejectReason FromFrameError(FrameError error)
    {
        var value = (int)error;
        return value is > 0 and < 32 && Enum.IsDefined((RejectReason)value) ? (RejectReason)value : RejectReason.Other;
    }

    private static string?[] BuildLabels()
    {
        var labels = new string?[Count];
        foreach (var reason in Enum.GetValues<RejectReason>())
        {
            labels[(int)reason] = ToSnakeCase(reason.ToString());
        }

        return labels;
    }

    internal static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
