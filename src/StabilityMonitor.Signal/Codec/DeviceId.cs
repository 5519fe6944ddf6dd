using System.Buffers;

namespace StabilityMonitor.Signal.Codec;

/// <summary>
/// Device ids and the MQTT topics built from them. An id is 1..<see cref="MaxLength"/> characters of
/// <c>[A-Za-z0-9_-]</c>: safe as a topic level (no '/', '+', '#'), a tag value and a file name.
/// </summary>
public static class DeviceId
{
    public const int MaxLength = 64;

    /// <summary>Subscription filter for the sample frames of every device.</summary>
    public const string AccelSubscription = Prefix + "+" + AccelSuffix;

    /// <summary>Subscription filter for the status of every device.</summary>
    public const string StatusSubscription = Prefix + "+" + StatusSuffix;

    private const string Prefix = "wearables/";
    private const string AccelSuffix = "/accel";
    private const string StatusSuffix = "/status";

    private static readonly SearchValues<char> s_allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    /// <summary>Whether <paramref name="id"/> is 1..64 characters of <c>[A-Za-z0-9_-]</c>.</summary>
    public static bool IsValid(ReadOnlySpan<char> id) =>
        id.Length is >= 1 and <= MaxLength && !id.ContainsAnyExcept(s_allowed);

    /// <summary>
    /// Parses <c>wearables/{deviceId}/accel</c> or <c>wearables/{deviceId}/status</c> (case-sensitive, as MQTT is).
    /// Anything else, including an invalid id or extra levels, is not a device topic.
    /// </summary>
    /// <param name="topic">The topic a message arrived on.</param>
    /// <param name="deviceId">Where the id lies in <paramref name="topic"/>; slice with it to avoid a string.</param>
    /// <param name="kind">What the topic carries. Meaningless when the method returns false.</param>
    public static bool TryParseTopic(ReadOnlySpan<char> topic, out Range deviceId, out TopicKind kind)
    {
        deviceId = default;
        kind = default;
        if (!topic.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> rest = topic[Prefix.Length..];
        int slash = rest.IndexOf('/');
        if (slash < 0 || !IsValid(rest[..slash]))
        {
            return false;
        }

        switch (rest[slash..])
        {
            case AccelSuffix:
                kind = TopicKind.Accel;
                break;
            case StatusSuffix:
                kind = TopicKind.Status;
                break;
            default:
                return false;
        }

        deviceId = new Range(Prefix.Length, Prefix.Length + slash);
        return true;
    }

    /// <summary>The topic a device publishes its sample frames to.</summary>
    /// <exception cref="ArgumentException"><paramref name="deviceId"/> is not a valid id.</exception>
    public static string AccelTopic(string deviceId)
    {
        ThrowIfInvalid(deviceId);
        return string.Concat(Prefix, deviceId, AccelSuffix);
    }

    /// <summary>The topic a device publishes its retained status (and will message) to.</summary>
    /// <exception cref="ArgumentException"><paramref name="deviceId"/> is not a valid id.</exception>
    public static string StatusTopic(string deviceId)
    {
        ThrowIfInvalid(deviceId);
        return string.Concat(Prefix, deviceId, StatusSuffix);
    }

    private static void ThrowIfInvalid(string deviceId)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        if (!IsValid(deviceId))
        {
            CodecThrowHelper.ThrowArgument($"Device id must be 1..{MaxLength} characters of [A-Za-z0-9_-].", nameof(deviceId));
        }
    }
}
