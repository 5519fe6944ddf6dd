using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Devices;
using StabilityMonitor.Balance.Guided;
using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Balance.Progress;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// The balance and mobility routes of issue 13 (docs/balance.md), within the caller's facility like every resident API:
/// a resident or device of another facility does not exist (404).
/// </summary>
internal static class BalanceEndpoints
{
    public static void MapBalanceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/devices/{deviceId}/mobility", DeviceMobilityAsync).WithTags("Balance");
        var residents = api.MapGroup("/residents/{id:guid}").WithTags("Balance");
        residents.MapGet("/mobility", ResidentMobilityAsync);
        residents.MapGet("/balance-tests", ListTestsAsync);
        residents.MapPost("/balance-tests", PostTestAsync);
        residents.MapGet("/progress", ProgressAsync);
    }

    private static IResult DeviceMobilityAsync(string deviceId, DateTimeOffset? from, DateTimeOffset? to, HttpContext context, StoreDeviceRegistry registry, MobilityTable table)
    {
        if (!DeviceId.IsValid(deviceId) || !ApiEndpoints.CanSee(context.User.ToActor(), registry, deviceId))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound);
        }

        var summary = table.Read([deviceId], Micros(from), Micros(to), MobilityLedger.Summarize);
        return Results.Ok(MobilityDto.Of(summary ?? MobilityLedger.Summarize([])));
    }

    private static async Task<IResult> ResidentMobilityAsync(Guid id, DateTimeOffset? from, DateTimeOffset? to, HttpContext context, CareAdmin admin, MobilityTable table, CancellationToken ct)
    {
        var devices = await VisibleDevicesAsync(id, context, admin, ct).ConfigureAwait(false);
        if (devices is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound);
        }

        var summary = table.Read(devices, Micros(from), Micros(to), MobilityLedger.Summarize);
        return Results.Ok(MobilityDto.Of(summary ?? MobilityLedger.Summarize([])));
    }

    private static async Task<IResult> ListTestsAsync(Guid id, HttpContext context, CareAdmin admin, BalanceTestBook book, CancellationToken ct)
    {
        if (await VisibleDevicesAsync(id, context, admin, ct).ConfigureAwait(false) is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound);
        }

        return Results.Ok(book.List(id).Select(ToDto));
    }

    private static async Task<IResult> PostTestAsync(Guid id, BalanceTestRequest? request, HttpContext context, CareAdmin admin, MobilityTable table, BalanceTestBook book, TimeProvider time, CancellationToken ct)
    {
        var devices = await VisibleDevicesAsync(id, context, admin, ct).ConfigureAwait(false);
        if (devices is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound);
        }

        var actor = context.User.ToActor();
        if (request?.Action == "stop")
        {
            return Stop(id, table, book);
        }

        if (request is null || !BalanceTestNames.TryParse(request.Test, out var kind))
        {
            var names = string.Join(", ", Enum.GetValues<BalanceTestKind>().Select(static k => k.ToName()));
            return Results.Problem($"Send {{\"test\": one of {names}, \"action\": \"start\"}} (then {{\"action\": \"stop\"}}), or a finished test with \"start\" and \"end\".", statusCode: StatusCodes.Status400BadRequest);
        }

        if (request.Condition is { Length: > 100 })
        {
            return Results.Problem("A condition has at most 100 characters.", statusCode: StatusCodes.Status400BadRequest);
        }

        var device = request.DeviceId ?? (devices.Count == 1 ? devices[0] : null);
        if (device is null || !devices.Contains(device))
        {
            return Results.Problem("Name the resident's device: \"deviceId\" (the resident wears none, or more than one).", statusCode: StatusCodes.Status400BadRequest);
        }

        if (request.Action == "start")
        {
            if (!book.TryStart(id, new LiveTest(kind, request.Condition, device, actor.Name, time.GetUtcNow())))
            {
                return Results.Problem("A test is already running for this resident: stop it first.", statusCode: StatusCodes.Status409Conflict);
            }

            if (!table.StartCapture(device))
            {
                book.Stop(id);
                return Results.Problem("The device has not been heard yet: nothing to record.", statusCode: StatusCodes.Status409Conflict);
            }

            return Results.Accepted($"/api/residents/{id}/balance-tests", new { test = kind.ToName(), deviceId = device, state = "recording" });
        }

        // A finished test needs its samples, which the server keeps only while a live test records them.
        return Results.Problem("The server keeps a test's samples only while it runs: start it with {\"action\": \"start\"} and stop it with {\"action\": \"stop\"}.", statusCode: StatusCodes.Status422UnprocessableEntity);
    }

    private static IResult Stop(Guid id, MobilityTable table, BalanceTestBook book)
    {
        if (book.Stop(id) is not { } live)
        {
            return Results.Problem("No test is running for this resident.", statusCode: StatusCodes.Status409Conflict);
        }

        if (table.StopCapture(live.DeviceId) is not { } capture || capture.Rate == 0 || capture.Samples.Length < capture.Rate * 2)
        {
            return Results.Problem("Less than 2 s of the test reached the server: nothing to score.", statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        var result = BalanceTestScorer.Score(live.Kind, capture.Samples, capture.Rate, live.Condition);
        var start = DateTimeOffset.FromUnixTimeMilliseconds(capture.StartMicros / 1000);
        var record = new BalanceTestRecord(Guid.NewGuid(), id, live.DeviceId, live.RunBy, start, start.AddSeconds(result.SegmentSeconds), result);
        book.Add(record);
        return Results.Created($"/api/residents/{id}/balance-tests", ToDto(record));
    }

    private static async Task<IResult> ProgressAsync(Guid id, HttpContext context, CareAdmin admin, MobilityTable table, BalanceTestBook book, CancellationToken ct)
    {
        var devices = await VisibleDevicesAsync(id, context, admin, ct).ConfigureAwait(false);
        if (devices is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound);
        }

        var tests = book.List(id).Select(static r => new DatedTestResult(DateOnly.FromDateTime(r.Start.UtcDateTime), r.Result)).ToList();
        var report = table.Read(devices, null, null, days => new ProgressDto(
            [.. ProgressReport.Build(days, tests).Select(ToDto)],
            [.. InactivityRule.Evaluate(days).Select(static f => (object)new { date = f.Date, measure = f.Measure, value = Math.Round(f.Value, 1), norm = Math.Round(f.Norm, 1), robust_z = Math.Round(f.RobustZ, 2) })]));
        return Results.Ok(report ?? new ProgressDto([.. ProgressReport.Build([], tests).Select(ToDto)], []));
    }

    /// <summary>The resident's current devices, or null when the resident does not exist for the caller.</summary>
    private static async Task<List<string>?> VisibleDevicesAsync(Guid id, HttpContext context, CareAdmin admin, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        var resident = await admin.GetResidentAsync(id, ct).ConfigureAwait(false);
        if (resident is null || !actor.CanSee(resident.FacilityId))
        {
            return null;
        }

        var wearables = await admin.ListWearablesAsync(actor, ct).ConfigureAwait(false);
        return [.. wearables.Where(w => w.ResidentId == id).Select(static w => w.DeviceId)];
    }

    private static long? Micros(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds() * 1000;

    private static object ToDto(BalanceTestRecord r) => new
    {
        id = r.Id,
        test = r.Result.Kind.ToName(),
        condition = r.Result.Condition,
        deviceId = r.DeviceId,
        runBy = r.RunBy,
        start = r.Start,
        end = r.End,
        hold_s = r.Result.HoldSeconds,
        balance_lost = r.Result.BalanceLost,
        sway = r.Result.Sway is { } s ? new { rms_ms2 = s.RmsMs2, mean_velocity = s.MeanVelocity, ellipse_area95 = s.EllipseArea95, jerk_rms = s.JerkRms } : null,
        repetitions = r.Result.Repetitions,
        total_s = r.Result.TotalSeconds,
        rise_s = r.Result.RiseSeconds,
        steps = r.Result.Steps,
        cadence_spm = r.Result.CadenceSpm,
        step_time_cv = r.Result.StepTimeCv,
        phases = r.Result.Phases is { } p ? new { rise_s = p.RiseSeconds, walk_s = p.WalkSeconds, sit_s = p.SitSeconds } : null,
    };

    private static object ToDto(TrendResult t) => new
    {
        measure = t.Measure,
        status = t.Status.ToString().ToLowerInvariant(),
        weeks = t.Weeks,
        slope_per_week = MobilityDto.Finite(t.SlopePerWeek),
        slope_low = MobilityDto.Finite(t.SlopeLow),
        slope_high = MobilityDto.Finite(t.SlopeHigh),
        change = MobilityDto.Finite(t.Change),
        minimal_detectable_change = MobilityDto.Finite(t.MinimalDetectableChange),
        higher_is_better = t.HigherIsBetter,
    };
}

/// <summary><c>GET /api/residents/{id}/progress</c>: a trend per measure and the inactivity flags.</summary>
internal sealed record ProgressDto(IReadOnlyList<object> Trends, IReadOnlyList<object> Inactivity);
