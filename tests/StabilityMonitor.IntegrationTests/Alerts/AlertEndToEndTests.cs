using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using StabilityMonitor.Alerting.Tests.Webhooks;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Alerts;

/// <summary>
/// One alert's whole life with real parts: an assigned wearable stumbles and falls through the server's broker, the
/// alerts appear for the facility's caregiver, a facility webhook receives them signed, one is escalated, acknowledged
/// and resolved, every step audited and delivered once with its own delivery id.
/// </summary>
public sealed class AlertEndToEndTests(ITestOutputHelper output)
{
    private const string Secret = "facility-a-webhook-secret";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task NearFallAndFall_FromAssignedWearable_BecomeAlertsWithSignedWebhooksThroughTheirLifecycle()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        await using var server = await ServerHost.StartAsync([.. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(), ("Alerts:EscalationCheckInterval", "00:00:00.200"), ("Webhooks:PollInterval", "00:00:00.200")]);
        var world = await World.CreateAsync(server);

        // Falls escalate after 3 s in this facility, so the test sees an escalation without waiting minutes.
        using (var hook = await server.Http.PostAsJsonAsync($"/api/facilities/{world.FacilityA}/webhooks", new { url = receiver.Url, secret = Secret, events = new[] { "alert.raised", "alert.acknowledged", "alert.resolved", "alert.escalated" } }))
        {
            Assert.Equal(HttpStatusCode.Created, hook.StatusCode);
        }

        await server.Services.GetRequiredServiceOf<Alerting.Access.CareAdmin>().SetEscalationAsync(world.FacilityA, TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(15), default);

        var port = server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port;
        var broker = new MqttConnectionSettings("127.0.0.1", port, Username: "a-01", Password: world.DevicePasswords["a-01"]);
        var script = new MotionScript().Stand(4).Walk(8).Stumble().Walk(6).Fall().Lie(4);
        await using (var device = new Device("a-01", broker, script, seed: 11))
        {
            using var cts = new CancellationTokenSource(s_timeout);
            await device.PublishScriptAsync(script, TimeSpan.Zero, cts.Token);
        }

        using var carer = await world.SignInAsync("carer-a");
        JsonElement[] items = [];
        await Poll.UntilAsync(
            async () =>
            {
                var page = await carer.GetFromJsonAsync<JsonElement>("/api/alerts");
                items = [.. page.GetProperty("items").EnumerateArray()];
                return items.Length == 2;
            },
            s_timeout,
            () => $"expected a near-fall and a fall alert; got {items.Length}; logs:\n{server.Logs.Dump()}");
        var fall = items.Single(static a => a.GetProperty("kind").GetString() == "fall");
        var nearFall = items.Single(static a => a.GetProperty("kind").GetString() == "near_fall");
        Assert.Equal("Ann Archer", fall.GetProperty("residentName").GetString());

        // What the detector decided on travels with the alert (camelCase, as the API writes it).
        var features = fall.GetProperty("features");
        Assert.InRange(features.GetProperty("peakAccelG").GetDouble(), 2.0, 16.0);
        Assert.Equal(1000, features.GetProperty("decisionDelayMs").GetDouble(), 0);
        Assert.Equal(2500, nearFall.GetProperty("features").GetProperty("decisionDelayMs").GetDouble(), 0);
        Assert.InRange(features.GetProperty("detectorSeverity").GetInt32(), 1, 3);
        var fallId = fall.GetProperty("id").GetString()!;

        // Nobody acknowledges the fall for 3 s: escalated once, severity high -> critical.
        await Poll.UntilAsync(async () => (await carer.GetFromJsonAsync<JsonElement>($"/api/alerts/{fallId}")).GetProperty("severity").GetString() == "critical", s_timeout, () => "fall not escalated");
        Assert.Equal(HttpStatusCode.OK, (await carer.PostAsJsonAsync($"/api/alerts/{fallId}/acknowledge", new { note = "on my way" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await carer.PostAsJsonAsync($"/api/alerts/{fallId}/resolve", new { outcome = "fall_confirmed", note = "helped up, no injury" })).StatusCode);

        // The stumble 6 s before the fall is the same incident: the fall's alert closed the near-fall's.
        var nearFallId = nearFall.GetProperty("id").GetString()!;
        var closed = await carer.GetFromJsonAsync<JsonElement>($"/api/alerts/{nearFallId}");
        Assert.Equal(("resolved", "led_to_fall"), (closed.GetProperty("state").GetString(), closed.GetProperty("outcome").GetString()));
        Assert.Contains(fallId, closed.GetProperty("resolveNote").GetString(), StringComparison.Ordinal);

        // Webhooks: raised x2, the near-fall resolved, escalated, acknowledged, resolved; each signed, each its own delivery id.
        await Poll.UntilAsync(() => receiver.Requests.Count(static r => r.AnsweredStatus == 200) >= 6, s_timeout, () => $"{receiver.Requests.Count} webhook requests");
        var received = receiver.Requests.Where(static r => r.AnsweredStatus == 200).ToList();
        foreach (var request in received)
        {
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), request.Body));
            Assert.Equal(expected, request.Header("X-Stability-Signature"));
        }

        Assert.Equal(received.Count, received.Select(static r => r.Header("X-Stability-Delivery")).Distinct().Count());
        var forFall = received.Select(static r => JsonDocument.Parse(r.Body).RootElement).Where(b => b.GetProperty("alert").GetProperty("id").GetString() == fallId).Select(static b => b.GetProperty("event").GetString()).ToList();
        Assert.Equal(["alert.raised", "alert.escalated", "alert.acknowledged", "alert.resolved"], forFall);

        // Raised at the detector's severity for the kind (the escalation made the fall critical later).
        string RaisedSeverity(string id) => received.Select(static r => JsonDocument.Parse(r.Body).RootElement)
            .Single(b => b.GetProperty("event").GetString() == "alert.raised" && b.GetProperty("alert").GetProperty("id").GetString() == id)
            .GetProperty("alert").GetProperty("severity").GetString()!;
        Assert.Equal(("high", "medium"), (RaisedSeverity(fallId), RaisedSeverity(nearFallId)));
        Assert.Contains(received, r => r.Header("X-Stability-Event") == "alert.raised" && Encoding.UTF8.GetString(r.Body).Contains(nearFallId, StringComparison.Ordinal));
        Assert.Contains(received, r => r.Header("X-Stability-Event") == "alert.resolved" && Encoding.UTF8.GetString(r.Body).Contains(nearFallId, StringComparison.Ordinal));

        var audit = await carer.GetFromJsonAsync<JsonElement>($"/api/alerts/{fallId}/audit");
        Assert.Equal(["raised", "escalated", "acknowledged", "resolved"], audit.EnumerateArray().Select(static a => a.GetProperty("action").GetString()));
        var deliveries = await carer.GetFromJsonAsync<JsonElement>($"/api/alerts/{fallId}/deliveries");
        Assert.Equal(4, deliveries.GetArrayLength());
        Assert.All(deliveries.EnumerateArray(), static d => Assert.Equal("delivered", d.GetProperty("state").GetString()));

        output.WriteLine($"fall alert {fallId}:");
        foreach (var a in audit.EnumerateArray())
        {
            output.WriteLine($"  {a.GetProperty("at").GetString()} {a.GetProperty("action").GetString()} by {a.GetProperty("actor").GetString()} {(a.TryGetProperty("note", out var note) ? note.GetString() : string.Empty)}");
        }

        foreach (var d in deliveries.EnumerateArray())
        {
            output.WriteLine($"  webhook {d.GetProperty("event").GetString()} {d.GetProperty("id").GetString()} {d.GetProperty("state").GetString()} after {d.GetProperty("attempts").GetInt32()} attempt(s)");
        }

        // The evidence trace: attached once the stream passed the event (the fall's 4 s after it lie in the script).
        JsonElement evidence = default;
        await Poll.UntilAsync(
            async () =>
            {
                using var response = await carer.GetAsync($"/api/alerts/{fallId}/evidence");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return false;
                }

                evidence = await response.Content.ReadFromJsonAsync<JsonElement>();
                return true;
            },
            s_timeout,
            () => "no evidence attached to the fall");
        Assert.Equal(25, evidence.GetProperty("rateHz").GetInt32());
        var x = evidence.GetProperty("x").EnumerateArray().Select(static v => (double)v.GetInt16()).ToArray();
        var y = evidence.GetProperty("y").EnumerateArray().Select(static v => (double)v.GetInt16()).ToArray();
        var z = evidence.GetProperty("z").EnumerateArray().Select(static v => (double)v.GetInt16()).ToArray();
        Assert.InRange(x.Length, 150, 200);
        var peak = Enumerable.Range(0, x.Length).Max(i => Math.Sqrt((x[i] * x[i]) + (y[i] * y[i]) + (z[i] * z[i])));
        Assert.True(peak > 1500, $"the trace's peak is {peak:0} milli-g; a fall's impact should be well over 1.5 g");
        Assert.Empty(server.Logs.Errors);
    }
}
