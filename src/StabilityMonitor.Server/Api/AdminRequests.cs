namespace StabilityMonitor.Server.Api;

/// <summary>Body of <c>POST /api/facilities</c>; escalation times are optional (defaults 2 min for falls, 15 min otherwise).</summary>
internal sealed record CreateFacilityRequest(string? Name, TimeSpan? FallEscalationAfter = null, TimeSpan? NearFallEscalationAfter = null);

/// <summary>Body of <c>POST /api/facilities/{id}/users</c>.</summary>
internal sealed record CreateUserRequest(string? User, string? Password, string? Role);

/// <summary>Body of <c>POST /api/facilities/{id}/residents</c>.</summary>
internal sealed record CreateResidentRequest(string? Name, string? Room, string? Notes = null);

/// <summary>Body of <c>PUT /api/devices/{deviceId}</c>.</summary>
internal sealed record AssignDeviceRequest(Guid? ResidentId);

/// <summary>Body of <c>POST /api/facilities/{id}/webhooks</c>.</summary>
internal sealed record CreateWebhookRequest(string? Url, string? Secret, IReadOnlyList<string>? Events);

/// <summary>Body of <c>POST /api/facilities/{id}/api-keys</c> (optional).</summary>
internal sealed record CreateApiKeyRequest(string? Name);

/// <summary>Body of <c>POST /api/alerts/{id}/acknowledge</c>.</summary>
internal sealed record AcknowledgeRequest(string? Note);

/// <summary>Body of <c>POST /api/alerts/{id}/resolve</c>.</summary>
internal sealed record ResolveRequest(string? Outcome, string? Note);
