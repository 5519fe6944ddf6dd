using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Influx;

/// <summary>
/// Values of the <c>kind</c> tag of the <c>events</c> measurement. Detector events map from
/// <see cref="EventKind"/>; the others come from the live system (device status, staff actions). Any other
/// kind of 1..32 characters of <c>[a-z0-9_]</c> may be stored too.
/// </summary>
public static class StoreEventKinds
{
    public const string SwayElevated = "sway_elevated";
    public const string NearFall = "near_fall";
    public const string Fall = "fall";
    public const string PossibleFall = "possible_fall";
    public const string FallWithdrawn = "fall_withdrawn";
    public const string LongLie = "long_lie";
    public const string Offline = "offline";
    public const string Online = "online";
    public const string LowBattery = "low_battery";
    public const string Acknowledged = "acknowledged";

    /// <summary>Longest kind accepted, in characters.</summary>
    public const int MaxLength = 32;

    /// <summary>The tag value for a detector event kind.</summary>
    public static string From(EventKind kind) => kind switch
    {
        EventKind.SwayElevated => SwayElevated,
        EventKind.NearFall => NearFall,
        EventKind.Fall => Fall,
        EventKind.PossibleFall => PossibleFall,
        EventKind.FallWithdrawn => FallWithdrawn,
        EventKind.LongLie => LongLie,
        _ => "unknown",
    };

    /// <summary>Whether <paramref name="kind"/> is 1..32 characters of <c>[a-z0-9_]</c>.</summary>
    public static bool IsValid(ReadOnlySpan<char> kind)
    {
        if (kind.IsEmpty || kind.Length > MaxLength)
        {
            return false;
        }

        foreach (char c in kind)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
