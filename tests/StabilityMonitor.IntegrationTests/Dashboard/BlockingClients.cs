using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Dashboard.Contract;

namespace StabilityMonitor.IntegrationTests.Dashboard;

/// <summary>Every target is one client whose sends wait for <see cref="Release"/>, then are recorded in order.</summary>
internal sealed class BlockingClients : IHubClients<IDashboardClient>, IDashboardClient
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<string> Sent { get; } = new();

    /// <summary>The resident states sent, in order.</summary>
    public ConcurrentQueue<ResidentState> States { get; } = new();

    public IDashboardClient All => this;

    public void Release() => _released.TrySetResult();

    public IDashboardClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => this;

    public IDashboardClient Client(string connectionId) => this;

    public IDashboardClient Clients(IReadOnlyList<string> connectionIds) => this;

    public IDashboardClient Group(string groupName) => this;

    public IDashboardClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => this;

    public IDashboardClient Groups(IReadOnlyList<string> groupNames) => this;

    public IDashboardClient User(string userId) => this;

    public IDashboardClient Users(IReadOnlyList<string> userIds) => this;

    public Task Snapshot(WardSnapshot snapshot) => SendAsync("snapshot");

    public async Task ResidentState(ResidentState state)
    {
        await SendAsync("state");
        States.Enqueue(state);
    }

    public Task Metrics(IReadOnlyList<ResidentMetrics> batch) => SendAsync("metrics");

    public Task Alert(AlertChange change) => SendAsync("alert " + change.Alert.Id);

    private async Task SendAsync(string what)
    {
        await _released.Task;
        Sent.Enqueue(what);
    }
}
