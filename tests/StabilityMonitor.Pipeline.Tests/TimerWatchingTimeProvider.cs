using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells when a timer of a given period was created. A background service starts
/// its loop on the thread pool: advancing the clock before its timer exists would move the timer's first tick, so a
/// test waits for the timer first.
/// </summary>
internal sealed class TimerWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentDictionary<TimeSpan, TaskCompletionSource> _created = new();

    /// <summary>Completes once a timer with <paramref name="period"/> has been created (already, or later).</summary>
    public Task TimerCreated(TimeSpan period) => Source(period).Task.WaitAsync(TimeSpan.FromSeconds(30));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Source(period).TrySetResult();
        return timer;
    }

    private TaskCompletionSource Source(TimeSpan period) =>
        _created.GetOrAdd(period, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
