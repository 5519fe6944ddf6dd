namespace StabilityMonitor.Server;

/// <summary>A page of <c>GET /api/events</c>.</summary>
internal sealed record EventPageDto(IReadOnlyList<EventDto> Items, int Total, int Page, int PageSize);
