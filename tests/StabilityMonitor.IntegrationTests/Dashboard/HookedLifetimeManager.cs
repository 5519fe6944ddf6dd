using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Dashboard.Contract;
using StabilityMonitor.Dashboard.Hub;

namespace StabilityMonitor.IntegrationTests.Dashboard;

/// <summary>
/// SignalR's in-memory lifetime manager with a hook run just before the next <c>Snapshot</c> goes to a connection,
/// i.e. after the hub built it: a test makes a change there, in the window a connection must already be in its group
/// for. Group sends of <c>Alert</c> are signalled so the hook can wait until the change went out.
/// </summary>
internal sealed class HookedLifetimeManager : HubLifetimeManager<DashboardHub>
{
    private readonly DefaultHubLifetimeManager<DashboardHub> _inner = new(NullLogger<DefaultHubLifetimeManager<DashboardHub>>.Instance);
    private Func<Task>? _beforeSnapshot;
    private TaskCompletionSource _alertSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Runs <paramref name="hook"/> once, before the next snapshot is sent.</summary>
    public void BeforeNextSnapshot(Func<Task> hook)
    {
        _alertSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _beforeSnapshot = hook;
    }

    /// <summary>Completes when an <c>Alert</c> group send (armed by <see cref="BeforeNextSnapshot"/>) has been written.</summary>
    public Task AlertSent => _alertSent.Task;

    public override Task OnConnectedAsync(HubConnectionContext connection) => _inner.OnConnectedAsync(connection);

    public override Task OnDisconnectedAsync(HubConnectionContext connection) => _inner.OnDisconnectedAsync(connection);

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        _inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override async Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        if (string.Equals(methodName, nameof(IDashboardClient.Snapshot), StringComparison.OrdinalIgnoreCase) && Interlocked.Exchange(ref _beforeSnapshot, null) is { } hook)
        {
            await hook();
        }

        await _inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);
    }

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);

    public override async Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        await _inner.SendGroupAsync(groupName, methodName, args, cancellationToken);
        Signal(methodName);
    }

    public override async Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        await _inner.SendGroupsAsync(groupNames, methodName, args, cancellationToken);
        Signal(methodName);
    }

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        _inner.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        _inner.AddToGroupAsync(connectionId, groupName, cancellationToken);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        _inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        _inner.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) => _inner.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) => _inner.TryGetReturnType(invocationId, out type);

    private void Signal(string methodName)
    {
        if (string.Equals(methodName, nameof(IDashboardClient.Alert), StringComparison.OrdinalIgnoreCase))
        {
            _alertSent.TrySetResult();
        }
    }
}
