using System.Text.Json.Serialization;
using StabilityMonitor.Balance.Mobility;

namespace StabilityMonitor.Server.Balance;

/// <summary>The mobility JSON of the routes (snake_case field names, as other tools are written against them).</summary>
internal sealed record MobilityDto(
    [property: JsonPropertyName("from")] DateOnly? From,
    [property: JsonPropertyName("to")] DateOnly? To,
    [property: JsonPropertyName("days")] int Days,
    [property: JsonPropertyName("observed_minutes")] double ObservedMinutes,
    [property: JsonPropertyName("walking_minutes")] double WalkingMinutes,
    [property: JsonPropertyName("standing_minutes")] double StandingMinutes,
    [property: JsonPropertyName("sitting_minutes")] double SittingMinutes,
    [property: JsonPropertyName("lying_minutes")] double LyingMinutes,
    [property: JsonPropertyName("unknown_minutes")] double UnknownMinutes,
    [property: JsonPropertyName("steps")] double Steps,
    [property: JsonPropertyName("walking_bouts")] int WalkingBouts,
    [property: JsonPropertyName("cadence_spm")] double? CadenceSpm,
    [property: JsonPropertyName("stride_regularity")] double? StrideRegularity,
    [property: JsonPropertyName("symmetry")] double? Symmetry,
    [property: JsonPropertyName("step_time_cv")] double? StepTimeCv,
    [property: JsonPropertyName("sit_to_stand")] SitToStandDto SitToStand,
    [property: JsonPropertyName("stand_to_sit_count")] int StandToSitCount,
    [property: JsonPropertyName("quiet_standing_sway")] SwayDto QuietStandingSway)
{
    public static MobilityDto Of(MobilitySummary s) => new(
        s.From,
        s.To,
        s.Days,
        Round(s.ObservedMinutes),
        Round(s.WalkingMinutes),
        Round(s.StandingMinutes),
        Round(s.SittingMinutes),
        Round(s.LyingMinutes),
        Round(s.UnknownMinutes),
        s.Steps,
        s.WalkingBouts,
        Finite(s.CadenceSpm),
        Finite(s.StrideRegularity),
        Finite(s.Symmetry),
        Finite(s.StepTimeCv),
        new SitToStandDto(s.SitToStandCount, Finite(s.SitToStandMedianSeconds)),
        s.StandToSitCount,
        new SwayDto(s.QuietStandingSway.Windows, Finite(s.QuietStandingSway.RmsMs2), Finite(s.QuietStandingSway.JerkRms), Finite(s.QuietStandingSway.EllipseArea95), Finite(s.QuietStandingSway.MeanVelocity)));

    // JSON has no NaN: a measure with no data is null.
    internal static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 4) : null;

    private static double Round(double value) => Math.Round(value, 2);
}

internal sealed record SitToStandDto(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("median_duration_s")] double? MedianDurationSeconds);

internal sealed record SwayDto(
    [property: JsonPropertyName("windows")] int Windows,
    [property: JsonPropertyName("rms_ms2")] double? RmsMs2,
    [property: JsonPropertyName("jerk_rms")] double? JerkRms,
    [property: JsonPropertyName("ellipse_area95")] double? EllipseArea95,
    [property: JsonPropertyName("mean_velocity")] double? MeanVelocity);
