using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Balance.Progress;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// Everything the progress routes show for one resident over the last <see cref="BalanceOptions.ProgressWeeks"/>
/// weeks (Monday to Sunday, device time): the days (memory and store), the scored tests, weekly values, trends and
/// inactivity flags.
/// </summary>
internal sealed class ResidentProgress
{
    public required Resident Resident { get; init; }

    public required IReadOnlyList<string> Devices { get; init; }

    /// <summary>Monday of the first week read.</summary>
    public required DateOnly From { get; init; }

    /// <summary>Last day read (today, server time).</summary>
    public required DateOnly To { get; init; }

    public required IReadOnlyList<MobilityDay> Days { get; init; }

    /// <summary>Scored tests in the period, newest first.</summary>
    public required IReadOnlyList<BalanceTestRecord> Tests { get; init; }

    /// <summary>Hours a day must be worn to count (<see cref="BalanceOptions.MinWornHours"/>).</summary>
    public required double MinWornHours { get; init; }

    public required IReadOnlyDictionary<string, List<WeeklyValue>> Weekly { get; init; }

    public required IReadOnlyList<TrendResult> Trends { get; init; }

    public required IReadOnlyList<InactivityFlag> Inactivity { get; init; }

    /// <summary>Null when the resident does not exist for the caller.</summary>
    public static async Task<ResidentProgress?> LoadAsync(
        Guid id, HttpContext context, CareAdmin admin, MobilityHistory history, BalanceTestRecorder recorder, BalanceOptions options, TimeProvider time, CancellationToken ct)
    {
        if (await BalanceEndpoints.VisibleAsync(id, context, admin, ct).ConfigureAwait(false) is not { } visible)
        {
            return null;
        }

        var to = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var from = ProgressReport.WeekStart(to).AddDays(-7 * (options.ProgressWeeks - 1));
        var epoch = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
        var (days, _) = await history.GetDaysAsync(visible.Devices, from.DayNumber - epoch, to.DayNumber - epoch, ct).ConfigureAwait(false);
        var all = await recorder.ListAsync(id, options.MaxTestsPerResident, ct).ConfigureAwait(false);
        var tests = all.Where(t => DateOnly.FromDateTime(t.Start.UtcDateTime) >= from && DateOnly.FromDateTime(t.Start.UtcDateTime) <= to).ToList();
        var dated = tests.Select(static r => new DatedTestResult(DateOnly.FromDateTime(r.Start.UtcDateTime), r.Result)).ToList();
        return new ResidentProgress
        {
            Resident = visible.Resident,
            Devices = visible.Devices,
            From = from,
            To = to,
            Days = days,
            Tests = tests,
            MinWornHours = options.MinWornHours,
            Weekly = ProgressReport.WeeklyValues(days, dated, options.MinWornHours * 60),
            Trends = ProgressReport.Build(days, dated, options.MinWornHours * 60),
            Inactivity = InactivityRule.Evaluate(days),
        };
    }
}
