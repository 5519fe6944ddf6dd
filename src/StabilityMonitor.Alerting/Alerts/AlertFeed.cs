using System.Reactive.Subjects;

namespace StabilityMonitor.Alerting.Alerts;

/// <summary>
/// Every committed alert change (raised, escalated, acknowledged, resolved, evidence attached), for live views.
/// Published after the commit, so a subscriber never sees a change that could still roll back.
/// </summary>
public sealed class AlertFeed : IDisposable
{
    private readonly Subject<AlertChange> _changes = new();

    public IObservable<AlertChange> Changes => _changes;

    public void Publish(AlertChange change) => _changes.OnNext(change);

    public void Dispose() => _changes.Dispose();
}
