using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Dashboard.Contract;

namespace StabilityMonitor.IntegrationTests.Dashboard;

/// <summary>A .NET SignalR client of the dashboard hub over real Kestrel, recording everything it receives.</summary>
internal sealed class DashboardClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private DashboardClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<WardSnapshot>(nameof(IDashboardClient.Snapshot), Snapshots.Enqueue);
        connection.On<AlertChange>(nameof(IDashboardClient.Alert), Alerts.Enqueue);
        connection.On<ResidentState>(nameof(IDashboardClient.ResidentState), States.Enqueue);
        connection.On<IReadOnlyList<ResidentMetrics>>(nameof(IDashboardClient.Metrics), batch => Metrics.Enqueue((Stopwatch.GetTimestamp(), batch)));
    }

    public HubConnection Connection { get; }

    public ConcurrentQueue<WardSnapshot> Snapshots { get; } = new();

    public ConcurrentQueue<AlertChange> Alerts { get; } = new();

    public ConcurrentQueue<ResidentState> States { get; } = new();

    public ConcurrentQueue<(long Timestamp, IReadOnlyList<ResidentMetrics> Batch)> Metrics { get; } = new();

    /// <summary>Signs <paramref name="user"/> in with a cookie client, then connects with that cookie.</summary>
    public static async Task<DashboardClient> ConnectAsUserAsync(ServerHost server, string user, string password)
    {
        var cookies = new CookieContainer();
        using (var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true }) { BaseAddress = server.BaseAddress })
        {
            await ServerHost.SignInAsync(http, user, password);
        }

        return await ConnectAsync(server, o => o.Cookies = cookies);
    }

    public static Task<DashboardClient> ConnectWithApiKeyAsync(ServerHost server, string key) =>
        ConnectAsync(server, o => o.Headers["X-Api-Key"] = key);

    public static async Task<DashboardClient> ConnectAsync(ServerHost server, Action<HttpConnectionOptions> configure)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, DashboardRoutes.Hub), configure)
            .Build();
        var client = new DashboardClient(connection);
        try
        {
            await connection.StartAsync().WaitAsync(Timeout);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return client;
    }

    /// <summary>The first snapshot (sent on connect).</summary>
    public async Task<WardSnapshot> FirstSnapshotAsync()
    {
        await Poll.UntilAsync(() => !Snapshots.IsEmpty, Timeout, static () => "no snapshot");
        Snapshots.TryPeek(out var snapshot);
        return snapshot!;
    }

    /// <summary>Waits for an alert change with this id and action.</summary>
    public async Task<AlertChange> AlertAsync(string alertId, string action)
    {
        await Poll.UntilAsync(() => Alerts.Any(a => a.Alert.Id == alertId && a.Action == action), Timeout, () => $"no '{action}' of {alertId}; got {string.Join(", ", Alerts.Select(static a => a.Action + " " + a.Alert.Id))}");
        return Alerts.First(a => a.Alert.Id == alertId && a.Action == action);
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
