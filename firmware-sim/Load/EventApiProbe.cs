using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>
/// Polls the event API (<c>GET /api/events?kind=near_fall</c>) every 100 ms for servers without the dashboard hub; a
/// near-fall counts as seen at the first poll that returns it, so latencies carry up to one poll interval more.
/// </summary>
internal sealed class EventApiProbe : NearFallProbe
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _polling;

    private EventApiProbe(Uri server, CookieContainer cookies)
    {
        _http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true }) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(10) };
        _polling = Task.Run(() => PollAsync(_stop.Token));
    }

    public override string Source => "events";

    /// <summary>Errors of the last poll (the API answered something other than a page), for the summary.</summary>
    public string? LastError { get; private set; }

    public static async Task<EventApiProbe> StartAsync(Uri server, string user, string password, CancellationToken cancellationToken)
    {
        var cookies = await SignInAsync(server, user, password, cancellationToken).ConfigureAwait(false);
        return new EventApiProbe(server, cookies);
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var page = await _http.GetFromJsonAsync<EventPage>("/api/events?kind=near_fall&pageSize=500", cancellationToken).ConfigureAwait(false);
                var seen = Stopwatch.GetTimestamp();
                foreach (var e in page?.Items ?? [])
                {
                    if (e.DeviceId is { } device)
                    {
                        TimeSpan? serverToSeen = e.ReceivedAt is { } received ? DateTimeOffset.UtcNow - received : null;
                        NearFalls.TryAdd(device, (seen, serverToSeen));
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException)
            {
                LastError = e.Message;
            }

            try
            {
                await Task.Delay(s_interval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _polling.ConfigureAwait(false);
        _stop.Dispose();
        _http.Dispose();
    }

    /// <summary>The fields of the API's event page this probe reads.</summary>
    internal sealed record EventPage(IReadOnlyList<EventItem>? Items);

    internal sealed record EventItem(string? DeviceId, string? Kind, DateTimeOffset? ReceivedAt);
}
