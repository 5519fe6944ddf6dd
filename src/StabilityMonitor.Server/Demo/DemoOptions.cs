namespace StabilityMonitor.Server.Demo;

/// <summary>
/// The demo (configuration section <c>Demo</c>): what the README's main command shows a newcomer. It is on when
/// the embedded broker is used, unless <see cref="Enabled"/> says otherwise.
/// </summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Seed the demo facility, residents, wearables and caregiver. Default: on with the embedded broker, off otherwise.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Password of the demo caregiver <c>demo</c>. Default: a new random one each start, printed on the console.</summary>
    public string? Password { get; set; }

    /// <summary>Name of the demo facility. Default <c>Demo</c>.</summary>
    public string FacilityName { get; set; } = "Demo";

    /// <summary>Whether the demo runs with this configuration.</summary>
    public static bool IsOn(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var explicitValue = configuration[$"{SectionName}:{nameof(Enabled)}"];
        return bool.TryParse(explicitValue, out var on) ? on : string.IsNullOrWhiteSpace(configuration["Mqtt:Url"]);
    }
}
