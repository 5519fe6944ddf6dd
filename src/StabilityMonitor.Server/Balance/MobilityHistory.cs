using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Influx;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// The days of a set of devices for the API: those the table holds (live, and loaded from the store at start) and,
/// for days it no longer or does not hold, the stored ones (InfluxDB <c>mobility_day</c>). When the store cannot be
/// read the answer comes from memory alone (logged).
/// </summary>
internal sealed class MobilityHistory(MobilityTable table, IMeasurementStore store, ILogger<MobilityHistory> logger)
{
    private const long MicrosPerDay = 86_400_000_000L;
    private const int MaxDays = 800;
    private const long LastStorableDay = 84_000;

    /// <summary>
    /// Days (oldest first, one per device-day) within [<paramref name="firstDay"/>, <paramref name="lastDay"/>] (day
    /// numbers), and whether any device was found in memory or in the store.
    /// </summary>
    public async Task<(List<MobilityDay> Days, bool Any)> GetDaysAsync(IReadOnlyCollection<string> deviceIds, long firstDay, long lastDay, CancellationToken cancellationToken)
    {
        var held = table.ReadStates(deviceIds, firstDay, lastDay);
        var days = held.SelectMany(static h => h.Value.Select(d => (h.Key, d))).ToList();
        if (store.IsAvailable && deviceIds.Count > 0)
        {
            try
            {
                // Day numbers clamped to 1970..2200: InfluxQL times are nanoseconds in a long.
                var from = Math.Clamp(firstDay, 0, LastStorableDay) * MicrosPerDay;
                var to = (Math.Clamp(lastDay, 0, LastStorableDay) + 1) * MicrosPerDay;
                var stored = await store.ReadAsync(MobilityDayPoint.Measurement, "device", deviceIds, from, to, MaxDays * deviceIds.Count, cancellationToken).ConfigureAwait(false);
                foreach (var point in stored)
                {
                    if (MobilityDayPoint.FromStored(point) is not { } s)
                    {
                        continue;
                    }

                    // The table's copy of a day it holds is the more complete one (stored part + what came since).
                    if (held.TryGetValue(s.DeviceId, out var mine) && mine.Any(d => d.DayNumber == s.Day.DayNumber))
                    {
                        continue;
                    }

                    days.Add((s.DeviceId, s.Day));
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
            {
                BalanceLog.ReadFailed(logger, string.Join(",", deviceIds), e.Message);
            }
        }

        return ([.. days.OrderBy(static d => d.Item2.DayNumber).Select(static d => MobilityDay.FromState(d.Item2))], held.Count > 0 || days.Count > 0);
    }

    /// <summary>Day number of a device time, Unix µs.</summary>
    public static long DayOf(long micros) => Math.DivRem(micros, MicrosPerDay).Quotient;
}
