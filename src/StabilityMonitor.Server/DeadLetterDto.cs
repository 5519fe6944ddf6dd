using StabilityMonitor.Pipeline;

namespace StabilityMonitor.Server;

/// <summary>A dead letter as <c>GET /api/dead-letters</c> returns it; the payload (cut to the stored length) in base64.</summary>
internal sealed record DeadLetterDto(long Id, DateTimeOffset ReceivedAt, string Topic, string Reason, long Length, string PayloadBase64)
{
    public static DeadLetterDto From(DeadLetter d) =>
        new(d.Id, d.ReceivedAt, d.Topic, RejectReasons.Label(d.Reason), d.Length, Convert.ToBase64String(d.Payload.Span));
}
