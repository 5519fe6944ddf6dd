namespace StabilityMonitor.Server.Balance;

/// <summary>How the report and the CSV name each progress measure (<c>ProgressReport.Measures</c>) and its unit.</summary>
internal static class ProgressMeasures
{
    public static (string Label, string Unit) Describe(string measure) => measure switch
    {
        "steps_per_day" => ("Steps per day", "steps"),
        "walking_minutes_per_day" => ("Walking per day", "min"),
        "cadence_spm" => ("Walking cadence", "steps/min"),
        "stride_regularity" => ("Stride regularity (0–1)", ""),
        "sit_to_stand_median_duration_s" => ("Sit-to-stand rise time (median)", "s"),
        "quiet_standing_sway_rms" => ("Quiet-standing sway (RMS)", "m/s²"),
        "timed_up_and_go_s" => ("Timed up-and-go", "s"),
        "sit_to_stand_5x_s" => ("5× sit-to-stand", "s"),
        "chair_stand_30s_repetitions" => ("30 s chair stand", "rises"),
        "single_leg_stance_hold_s" => ("Single-leg stance", "s"),
        "tandem_stance_hold_s" => ("Tandem stance", "s"),
        _ => (measure, ""),
    };
}
