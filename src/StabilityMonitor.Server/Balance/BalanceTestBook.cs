using Microsoft.Extensions.Options;
using StabilityMonitor.Balance.Guided;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// Balance tests per resident (newest first, at most <see cref="BalanceOptions.MaxTestsPerResident"/>) and the live
/// test running per resident. In memory: results are lost on restart (the relational store is a follow-up).
/// </summary>
internal sealed class BalanceTestBook(IOptions<BalanceOptions> options)
{
    private readonly Dictionary<Guid, List<BalanceTestRecord>> _tests = [];
    private readonly Dictionary<Guid, LiveTest> _live = [];
    private readonly Lock _lock = new();

    public bool TryStart(Guid residentId, LiveTest test)
    {
        lock (_lock)
        {
            return _live.TryAdd(residentId, test);
        }
    }

    public LiveTest? Stop(Guid residentId)
    {
        lock (_lock)
        {
            return _live.Remove(residentId, out var test) ? test : null;
        }
    }

    public void Add(BalanceTestRecord record)
    {
        lock (_lock)
        {
            if (!_tests.TryGetValue(record.ResidentId, out var list))
            {
                _tests[record.ResidentId] = list = [];
            }

            list.Insert(0, record);
            if (list.Count > options.Value.MaxTestsPerResident)
            {
                list.RemoveAt(list.Count - 1);
            }
        }
    }

    public IReadOnlyList<BalanceTestRecord> List(Guid residentId)
    {
        lock (_lock)
        {
            return _tests.TryGetValue(residentId, out var list) ? [.. list] : [];
        }
    }
}

/// <summary>A live test between its start and stop calls.</summary>
internal sealed record LiveTest(BalanceTestKind Kind, string? Condition, string DeviceId, string RunBy, DateTimeOffset Started);
