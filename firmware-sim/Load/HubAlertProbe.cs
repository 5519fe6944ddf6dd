using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>
/// Signs in to the server and listens on its dashboard hub (<c>/hubs/dashboard</c>) for raised near-fall alerts, noting
/// when each arrived here (the same machine's clock as the sender's).
/// </summary>
internal sealed class HubAlertProbe : NearFallProbe
{
    private const string HubPath = "/hubs/dashboard";

    // The hub protocol's options, ours so that warming them up warms what the first alert will use.
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly HubConnection _connection;

    private HubAlertProbe(HubConnection connection)
    {
        _connection = connection;
        _connection.On<HubAlertChange>("Alert", OnAlert);
    }

    public override string Source => "hub";

    public static async Task<HubAlertProbe> ConnectAsync(Uri server, string user, string password, CancellationToken cancellationToken)
    {
        var cookies = await SignInAsync(server, user, password, cancellationToken).ConfigureAwait(false);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, HubPath), o => o.Cookies = cookies)
            .AddJsonProtocol(o => o.PayloadSerializerOptions = s_json)
            .Build();
        var probe = new HubAlertProbe(connection);
        try
        {
            await connection.StartAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);

            // As the dashboard does on connecting: sync first. It also takes this process's first hub message and first
            // alert parse out of the first near-fall's latency (they cost it 0.1 s here, which is not the server's time).
            _ = await connection.InvokeAsync<JsonElement>("Sync", cancellationToken).WaitAsync(TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
            _ = JsonSerializer.Deserialize<HubAlertChange>(
                """{"action":"raised","alert":{"id":"warm-up","deviceId":"warm-up","kind":"near_fall"},"arrivedAt":"2026-01-01T00:00:00Z"}""", s_json);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return probe;
    }

    private void OnAlert(HubAlertChange change)
    {
        var received = Stopwatch.GetTimestamp();
        if (change.Action != "raised" || change.Alert?.Kind != "near_fall" || change.Alert.DeviceId is not { } device)
        {
            return;
        }

        TimeSpan? processedToReceived = change.ArrivedAt is { } arrived ? DateTimeOffset.UtcNow - arrived : null;
        NearFalls.TryAdd(device, (received, processedToReceived));
    }

    public override ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>The fields of the hub's <c>AlertChange</c> this probe reads (the JSON protocol ignores the rest).</summary>
    internal sealed record HubAlertChange(string Action, HubAlert? Alert, DateTimeOffset? ArrivedAt);

    internal sealed record HubAlert(string Id, string? DeviceId, string Kind);
}
