using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Server;

/// <summary>
/// Which facility (care home, ward) a wearable belongs to, for the <c>facility</c> tag of stored points and the
/// history API (configuration section <c>Facilities</c>). Every device is in <see cref="Default"/> unless
/// <see cref="Devices"/> names another facility for it.
/// </summary>
public sealed class FacilityOptions : IValidatableObject
{
    public const string SectionName = "Facilities";

    /// <summary>Longest facility name, in characters (the store's tag limit).</summary>
    public const int MaxNameLength = 64;

    /// <summary>Facility of every device not listed in <see cref="Devices"/>. Default <c>default</c>; 1..64 characters.</summary>
    [Required]
    [StringLength(MaxNameLength, MinimumLength = 1)]
    public string Default { get; set; } = "default";

    /// <summary>
    /// Device id → facility (<c>Facilities:Devices:ward-01 = north-wing</c>; environment
    /// <c>Facilities__Devices__ward-01</c>). Device ids are matched exactly (case-sensitive). Default empty.
    /// </summary>
    public Dictionary<string, string> Devices { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (device, facility) in Devices)
        {
            if (string.IsNullOrWhiteSpace(facility) || facility.Length > MaxNameLength)
            {
                yield return new ValidationResult(
                    $"{nameof(Devices)}:{device} must name a facility of 1..{MaxNameLength} characters.", [nameof(Devices)]);
            }
        }
    }
}
