using System.Text.Json.Serialization;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>A two-sided 95 % confidence interval, written to JSON as <c>[lo, hi]</c>.</summary>
/// <param name="Lo">Lower bound.</param>
/// <param name="Hi">Upper bound.</param>
[JsonConverter(typeof(IntervalJsonConverter))]
internal readonly record struct Interval(double Lo, double Hi);
