using System.Text.Json.Serialization;

namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>The class a whole trial is scored against, from its activity code.</summary>
internal enum TrialKind
{
    /// <summary>Activity of daily living: any fall or near-fall alarm raised in it is a false alarm.</summary>
    [JsonStringEnumMemberName("adl")]
    Adl,

    /// <summary>A recovered perturbation (SisFall D18, stumble while walking).</summary>
    [JsonStringEnumMemberName("near_fall")]
    NearFall,

    /// <summary>A staged fall.</summary>
    [JsonStringEnumMemberName("fall")]
    Fall,
}
