using System.Text.Json;
using System.Text.Json.Serialization;
using StabilityMonitor.Alerting.Data;

namespace StabilityMonitor.Alerting.Alerts;

/// <summary>An alert as the API lists it and as webhooks carry it (camelCase JSON).</summary>
public sealed record AlertView(
    string Id,
    string DeviceId,
    Guid? ResidentId,
    Guid? FacilityId,
    string Kind,
    string State,
    string Severity,
    DateTimeOffset RaisedAt,
    DateTimeOffset DeviceTime,
    DateTimeOffset EscalateAt,
    DateTimeOffset? EscalatedAt,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    string? AcknowledgeNote,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    string? Outcome,
    string? ResolveNote,
    [property: JsonPropertyName("residentName")] string? ResidentName,
    [property: JsonPropertyName("room")] string? Room,
    JsonElement? Features,
    bool HasEvidence)
{
    public static AlertView From(Alert alert, Resident? resident) => new(
        alert.Id,
        alert.DeviceId,
        alert.ResidentId,
        alert.FacilityId,
        alert.Kind,
        alert.State,
        alert.Severity,
        alert.RaisedAt,
        DateTimeOffset.UnixEpoch.AddTicks(alert.DeviceTimeMicros * 10),
        alert.EscalateAt,
        alert.EscalatedAt,
        alert.AcknowledgedAt,
        alert.AcknowledgedBy,
        alert.AcknowledgeNote,
        alert.ResolvedAt,
        alert.ResolvedBy,
        alert.Outcome,
        alert.ResolveNote,
        resident?.Name,
        resident?.Room,
        alert.FeaturesJson is { } f ? JsonDocument.Parse(f).RootElement.Clone() : null,
        alert.EvidenceJson is not null);
}
