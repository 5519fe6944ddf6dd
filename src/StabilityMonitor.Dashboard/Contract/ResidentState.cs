namespace StabilityMonitor.Dashboard.Contract;

/// <summary>A resident's wearable as the server sees it now.</summary>
/// <param name="ResidentId">The resident.</param>
/// <param name="DeviceId">The wearable.</param>
/// <param name="Online">Whether it is streaming.</param>
/// <param name="Posture">e.g. <c>upright</c>, <c>lying</c>, <c>unknown</c> (lowercase of the processor's posture).</param>
/// <param name="Activity">e.g. <c>still</c>, <c>moving</c>, <c>walking</c>.</param>
/// <param name="Battery">0..1, when the wearable reports it.</param>
/// <param name="LastSeen">When a frame or status last arrived (server time).</param>
public sealed record ResidentState(Guid ResidentId, string DeviceId, bool Online, string Posture, string Activity, float? Battery, DateTimeOffset? LastSeen);
