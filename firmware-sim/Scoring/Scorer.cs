using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Scoring;

/// <summary>
/// Matches ground truth with the events the system raised, per device, on device time, one to one. A truth item
/// (near-fall or fall) is hit by an event of its kind whose time lies in [start − tolerance, end + tolerance]; an
/// event of the other kind there makes it a wrong-kind miss. Each event serves at most one truth item: the matching
/// is a maximum one (as many hits as any assignment allows, then as many wrong-kind matches), nearest to the truth's
/// peak where there is a choice, so a second event for one incident is a false alarm and one miss plus one false
/// alarm never cancel out. Events that match nothing are false alarms, but only within the span the ground truth
/// covers for that device (the server may hold events of earlier runs). Sway events never count.
/// </summary>
internal static class Scorer
{
    public static readonly string[] ScoredKinds = [GroundTruthRecord.NearFall, GroundTruthRecord.Fall];

    public static ScoreReport Score(
        IReadOnlyList<GroundTruthRecord> truth,
        IReadOnlyList<ObservedEvent> events,
        TimeSpan tolerance,
        IReadOnlyList<ObservedQuality>? quality = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(events);
        var tol = (long)(tolerance.TotalMilliseconds * 1000);
        var matches = new List<MatchRecord>();
        var falseAlarms = new List<ObservedEvent>();
        var latencies = ScoredKinds.ToDictionary(static k => k, static _ => new List<double>());
        var timeErrors = ScoredKinds.ToDictionary(static k => k, static _ => new List<double>());
        var devices = truth.Select(static t => t.Device).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        foreach (var device in devices)
        {
            var records = truth.Where(t => t.Device == device).ToList();
            var spanStart = records.Min(static r => r.StartMicros) - tol;
            var spanEnd = records.Max(static r => r.EndMicros) + tol;
            var candidates = events
                .Where(e => e.Device == device && ScoredKinds.Contains(e.Kind) && e.TimeMicros >= spanStart && e.TimeMicros <= spanEnd)
                .OrderBy(static e => e.TimeMicros)
                .ToList();
            var items = records.Where(static r => r.IsDetectable).OrderBy(static r => r.StartMicros).ToList();
            var used = new bool[candidates.Count];
            var hitOf = MaximumMatching(items, candidates, used, tol, sameKind: true);
            var wrongOf = MaximumMatching(items, candidates, used, tol, sameKind: false, skip: hitOf);
            for (var t = 0; t < items.Count; t++)
            {
                var item = items[t];
                var reference = item.PeakMicros ?? item.StartMicros;
                var index = hitOf[t] >= 0 ? hitOf[t] : wrongOf[t];
                string outcome;
                double? latency = null;
                double? error = null;
                if (index >= 0)
                {
                    var e = candidates[index];
                    latency = (e.DecisionMicros - reference) / 1e6;
                    error = (e.TimeMicros - reference) / 1e6;
                    outcome = hitOf[t] >= 0 ? "hit" : "wrong_kind";
                    if (hitOf[t] >= 0)
                    {
                        latencies[item.Kind].Add(latency.Value);
                        timeErrors[item.Kind].Add(Math.Abs(error.Value));
                    }
                }
                else
                {
                    outcome = "miss";
                }

                matches.Add(new MatchRecord(
                    device,
                    item.Kind,
                    item.Detail,
                    GroundTruthRecord.FormatTime(item.StartMicros),
                    GroundTruthRecord.FormatTime(item.EndMicros),
                    outcome,
                    index >= 0 ? candidates[index].Kind : null,
                    latency,
                    error));
            }

            falseAlarms.AddRange(candidates.Where((_, i) => !used[i]));
        }

        var kinds = ScoredKinds.Select(kind =>
        {
            var rows = matches.Where(m => m.Kind == kind).ToList();
            var hits = rows.Count(static m => m.Outcome == "hit");
            var lat = latencies[kind].Order().ToList();
            var err = timeErrors[kind].Order().ToList();
            return new KindScore(
                kind,
                rows.Count,
                hits,
                rows.Count(static m => m.Outcome == "wrong_kind"),
                rows.Count - hits,
                falseAlarms.Count(e => e.Kind == kind),
                rows.Count == 0 ? null : hits / (double)rows.Count,
                Percentile(lat, 0.5),
                Percentile(lat, 0.95),
                lat.Count == 0 ? null : lat[^1],
                Percentile(err, 0.5));
        }).ToList();

        return new ScoreReport(tolerance.TotalSeconds, devices.Count, kinds, matches, falseAlarms, quality is null ? null : CompareQuality(truth, devices, quality));
    }

    /// <summary>Expected counts from the fault records, next to what the server counted.</summary>
    public static IReadOnlyList<QualityRow> CompareQuality(IReadOnlyList<GroundTruthRecord> truth, IReadOnlyList<string> devices, IReadOnlyList<ObservedQuality> observed)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(observed);
        var rows = new List<QualityRow>();
        foreach (var device in devices)
        {
            var records = truth.Where(t => t.Device == device).ToList();
            long Sum(string kind) => records.Where(r => r.Kind == kind).Sum(static r => r.Frames ?? 0);
            var lost = Sum("loss") + records.Where(static r => r.Kind == "disconnect" && r.Value == 0).Sum(static r => r.Frames ?? 0);
            var jumps = records.Count(static r => r.Kind == "clock_jump");
            var seen = observed.FirstOrDefault(o => o.Device == device);
            rows.Add(new QualityRow(
                device,
                lost,
                seen?.Lost ?? 0,
                Sum("duplicate"),
                seen?.Duplicates ?? 0,
                Sum("reorder"),
                seen?.Reordered ?? 0,
                Sum("malformed"),
                seen?.Rejected ?? 0,
                jumps,
                seen?.ClockJumps ?? 0,
                seen?.Late ?? 0,
                seen?.Restarts ?? 0,
                seen?.Frames ?? 0));
        }

        return rows;
    }

    /// <summary>
    /// A maximum one-to-one matching of truth items to unused candidates of the same (or the other) kind inside each
    /// item's tolerance window, by augmenting paths (Kuhn). Each item tries its candidates nearest to its peak first,
    /// so where several assignments are maximal the nearer events are preferred. Marks the candidates it uses in
    /// <paramref name="used"/>; returns the candidate index per item, or −1. Items matched in <paramref name="skip"/> take no part.
    /// </summary>
    private static int[] MaximumMatching(List<GroundTruthRecord> items, List<ObservedEvent> candidates, bool[] used, long tol, bool sameKind, int[]? skip = null)
    {
        var options = new List<int>[items.Count];
        for (var t = 0; t < items.Count; t++)
        {
            var item = items[t];
            var reference = item.PeakMicros ?? item.StartMicros;
            options[t] = skip is not null && skip[t] >= 0
                ? []
                : [.. Enumerable.Range(0, candidates.Count)
                    .Where(i => !used[i]
                        && (candidates[i].Kind == item.Kind) == sameKind
                        && candidates[i].TimeMicros >= item.StartMicros - tol
                        && candidates[i].TimeMicros <= item.EndMicros + tol)
                    .OrderBy(i => Math.Abs(candidates[i].TimeMicros - reference))];
        }

        var itemOf = new int[candidates.Count];
        Array.Fill(itemOf, -1);
        for (var t = 0; t < items.Count; t++)
        {
            Augment(t, new bool[candidates.Count]);
        }

        var result = new int[items.Count];
        Array.Fill(result, -1);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (itemOf[i] >= 0)
            {
                result[itemOf[i]] = i;
                used[i] = true;
            }
        }

        return result;

        bool Augment(int t, bool[] visited)
        {
            foreach (var i in options[t])
            {
                if (visited[i])
                {
                    continue;
                }

                visited[i] = true;
                if (itemOf[i] < 0 || Augment(itemOf[i], visited))
                {
                    itemOf[i] = t;
                    return true;
                }
            }

            return false;
        }
    }

    private static double? Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = p * (sorted.Count - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(sorted.Count - 1, lo + 1);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }
}
