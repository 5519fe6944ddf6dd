namespace StabilityMonitor.Dashboard.Contract;

/// <summary>One resident's tile: who, where, their wearable's live state and their open alerts.</summary>
/// <param name="ResidentId">The resident (the page's <c>data-resident-id</c>).</param>
/// <param name="Name">Full name.</param>
/// <param name="Room">Room, if known.</param>
/// <param name="DeviceId">The wearable assigned now, if any.</param>
/// <param name="State">The wearable's live state, null when it was never seen since the server started.</param>
/// <param name="OpenAlerts">Alerts of this resident not yet resolved.</param>
/// <param name="Sway">Recent sway RMS values (oldest first, mg), for the sparkline.</param>
public sealed record ResidentTile(Guid ResidentId, string Name, string? Room, string? DeviceId, ResidentState? State, int OpenAlerts, IReadOnlyList<float> Sway);
