using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Server;

/// <summary>The built-in simulated ward (configuration section <c>Ward</c>).</summary>
public sealed class WardOptions
{
    public const string SectionName = "Ward";

    /// <summary>
    /// Whether the simulated wearables run. Default: unset, which means on with the embedded broker and off with
    /// an external one (so a real deployment never gets simulated residents by accident).
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>Number of simulated wearables. Default 6.</summary>
    [Range(1, 1000)]
    public int Devices { get; set; } = 6;

    /// <summary>Device id prefix; ids are prefix + two-digit number. Default <c>ward-</c>.</summary>
    [RegularExpression(@"^[A-Za-z0-9_\-]{1,40}$")]
    public string DeviceIdPrefix { get; set; } = "ward-";

    /// <summary>Sample rate, Hz. Default 50.</summary>
    [Range(1, 1000)]
    public int RateHz { get; set; } = 50;

    /// <summary>Samples per frame. Default 25 (two frames a second at 50 Hz).</summary>
    [Range(1, 1000)]
    public int SamplesPerFrame { get; set; } = 25;

    /// <summary>Chance that a walk contains a stumble (near-fall). Default 0.25.</summary>
    [Range(0.0, 1.0)]
    public double NearFallProbability { get; set; } = 0.25;

    /// <summary>
    /// The first wearable stumbles on its first walk and then on every Nth walk (about every 1.5 min with 2), so that a
    /// newcomer sees a near-fall alert within about a minute of starting; 0 turns it off. Default 2.
    /// </summary>
    [Range(0, 1000)]
    public int ScriptedStumbleEveryNthWalk { get; set; } = 2;

    /// <summary>Chance that a walk ends in a fall. Default 0.03.</summary>
    [Range(0.0, 1.0)]
    public double FallProbability { get; set; } = 0.03;

    /// <summary>Seed of the wearers and their routines; the same seed gives the same ward. Default 42.</summary>
    public int Seed { get; set; } = 42;
}
