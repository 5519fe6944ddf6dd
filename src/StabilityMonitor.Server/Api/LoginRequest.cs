namespace StabilityMonitor.Server.Api;

/// <summary>Body of <c>POST /api/auth/login</c>.</summary>
internal sealed record LoginRequest(string? User, string? Password);
