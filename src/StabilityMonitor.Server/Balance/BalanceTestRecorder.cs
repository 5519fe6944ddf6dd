using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Balance.Guided;
using StabilityMonitor.Influx;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// Guided tests kept (docs/balance.md, "Storage"): the session (who started it, when, the condition, the state and
/// the result) in the relational store's <c>balance_test_sessions</c>; the result's numbers also as the InfluxDB point
/// <c>balance_test</c> (stamped with the test's start, tags device, facility and test), journaled like every point.
/// </summary>
internal sealed class BalanceTestRecorder(CareDbFactory db, IMeasurementStore store, FacilityMap facilities, TimeProvider time, ILogger<BalanceTestRecorder> logger)
{
    public const string Measurement = "balance_test";

    private static readonly JsonSerializerOptions s_json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Records a started session (state <c>recording</c>).</summary>
    public async Task StartAsync(Guid sessionId, Guid facilityId, Guid residentId, string deviceId, BalanceTestKind test, string? condition, string mode, string startedBy, CancellationToken cancellationToken)
    {
        await using var context = db.Create();
        var session = new BalanceTestSession
        {
            Id = sessionId,
            FacilityId = facilityId,
            ResidentId = residentId,
            DeviceId = deviceId,
            Test = test.ToName(),
            Condition = condition,
            Mode = mode,
            StartedBy = startedBy,
            StartedAt = time.GetUtcNow(),
            State = BalanceSessionStates.Recording,
        };
        context.BalanceTestSessions.Add(session);
        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores the score of a session: the row becomes <c>scored</c>, and the point is journaled for InfluxDB.</summary>
    public async Task<BalanceTestRecord?> CompleteAsync(Guid sessionId, DateTimeOffset start, DateTimeOffset end, BalanceTestResult result, CancellationToken cancellationToken)
    {
        BalanceTestSession? session;
        await using (var context = db.Create())
        {
            session = await context.BalanceTestSessions.FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                return null;
            }

            session.State = BalanceSessionStates.Scored;
            session.SegmentStart = start;
            session.SegmentEnd = end;
            session.CompletedAt = time.GetUtcNow();
            session.ResultJson = JsonSerializer.Serialize(result, s_json);
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        var record = ToRecord(session)!;
        try
        {
            await store.AppendAsync(ToPoint(record), priority: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ArgumentException or IOException)
        {
            BalanceLog.TestPointFailed(logger, sessionId, e.Message);
        }

        return record;
    }

    /// <summary>Marks a session <c>failed</c> with the reason.</summary>
    public async Task FailAsync(Guid sessionId, string error, CancellationToken cancellationToken)
    {
        await using var context = db.Create();
        var now = time.GetUtcNow();
        await context.BalanceTestSessions.Where(s => s.Id == sessionId)
            .ExecuteUpdateAsync(u => u.SetProperty(static s => s.State, BalanceSessionStates.Failed).SetProperty(static s => s.Error, error).SetProperty(static s => s.CompletedAt, now), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The resident's scored tests, newest first, at most <paramref name="limit"/>.</summary>
    public async Task<List<BalanceTestRecord>> ListAsync(Guid residentId, int limit, CancellationToken cancellationToken)
    {
        await using var context = db.Create();
        var sessions = await context.BalanceTestSessions.AsNoTracking()
            .Where(s => s.ResidentId == residentId && s.State == BalanceSessionStates.Scored)
            .OrderByDescending(static s => s.StartedAt)
            .Take(limit)
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        // SQLite cannot order by a DateTimeOffset converted to binary in every case; the order is settled here.
        return [.. sessions.Select(ToRecord).OfType<BalanceTestRecord>().OrderByDescending(static r => r.Start)];
    }

    private static BalanceTestRecord? ToRecord(BalanceTestSession s) =>
        s.ResultJson is null || JsonSerializer.Deserialize<BalanceTestResult>(s.ResultJson, s_json) is not { } result
            ? null
            : new BalanceTestRecord(s.Id, s.ResidentId, s.DeviceId, s.StartedBy, s.Mode, s.StartedAt, s.SegmentStart ?? s.StartedAt, s.SegmentEnd ?? s.StartedAt, result);

    private MeasurementPoint ToPoint(BalanceTestRecord r)
    {
        var x = r.Result;
        var numbers = new List<KeyValuePair<string, double>> { new("segment_s", x.SegmentSeconds) };
        Add(numbers, "hold_s", x.HoldSeconds);
        Add(numbers, "balance_lost", x.BalanceLost is { } lost ? (lost ? 1 : 0) : null);
        Add(numbers, "sway_rms_ms2", x.Sway?.RmsMs2);
        Add(numbers, "sway_mean_velocity", x.Sway?.MeanVelocity);
        Add(numbers, "sway_ellipse_area95", x.Sway?.EllipseArea95);
        Add(numbers, "sway_jerk_rms", x.Sway?.JerkRms);
        Add(numbers, "repetitions", x.Repetitions);
        Add(numbers, "total_s", x.TotalSeconds);
        Add(numbers, "steps", x.Steps);
        Add(numbers, "cadence_spm", x.CadenceSpm);
        Add(numbers, "step_time_cv", x.StepTimeCv);
        Add(numbers, "tug_rise_s", x.Phases?.RiseSeconds);
        Add(numbers, "tug_walk_s", x.Phases?.WalkSeconds);
        Add(numbers, "tug_sit_s", x.Phases?.SitSeconds);
        var texts = new List<KeyValuePair<string, string>> { new("resident", r.ResidentId.ToString()), new("session", r.Id.ToString()) };
        if (!string.IsNullOrEmpty(x.Condition))
        {
            texts.Add(new("condition", x.Condition));
        }

        return new MeasurementPoint(Measurement, facilities.Of(r.DeviceId), r.DeviceId, [new("test", x.Kind.ToName())], numbers, texts, r.Start.ToUnixTimeMilliseconds() * 1000);
    }

    private static void Add(List<KeyValuePair<string, double>> numbers, string key, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            numbers.Add(new(key, v));
        }
    }
}
