using StabilityMonitor.Balance.Guided;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// The live test running per resident, between its start and stop calls. In memory: its session row is marked
/// abandoned at the next start when the server stops meanwhile (results are in <see cref="BalanceTestRecorder"/>).
/// </summary>
internal sealed class BalanceTestBook
{
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
}

/// <summary>A live test between its start and stop calls.</summary>
internal sealed record LiveTest(BalanceTestKind Kind, string? Condition, string DeviceId, string RunBy, DateTimeOffset Started, Guid SessionId);
