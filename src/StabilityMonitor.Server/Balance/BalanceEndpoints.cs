using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Alerting.Devices;
using StabilityMonitor.Balance.Guided;
using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Balance.Progress;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// The balance and mobility routes of issue 13 (docs/balance.md), within the caller's facility like every resident API:
/// a resident or device of another facility does not exist (404).
/// </summary>
internal static class BalanceEndpoints
{
    private const long MicrosPerDay = 86_400_000_000L;

    public static void MapBalanceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/devices/{deviceId}/mobility", DeviceMobilityAsync).WithTags("Balance");
        var residents = api.MapGroup("/residents/{id:guid}").WithTags("Balance");
        residents.MapGet("/mobility", ResidentMobilityAsync);
        residents.MapGet("/balance-tests", ListTestsAsync);
        residents.MapPost("/balance-tests", PostTestAsync);
        residents.MapGet("/progress", ProgressAsync);
        residents.MapGet("/progress/report", ReportAsync);
        residents.MapGet("/progress.csv", CsvAsync);
    }

    private static async Task<IResult> DeviceMobilityAsync(string deviceId, DateTimeOffset? from, DateTimeOffset? to, HttpContext context, StoreDeviceRegistry registry, MobilityHistory history, CancellationToken ct)
    {
        if (!DeviceId.IsValid(deviceId) || !ApiEndpoints.CanSee(context.User.ToActor(), registry, deviceId))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound);
        }

        var (days, _) = await history.GetDaysAsync([deviceId], FirstDay(from), LastDay(to), ct).ConfigureAwait(false);
        return Results.Ok(MobilityDto.Of(MobilityLedger.Summarize(days)));
    }

    private static async Task<IResult> ResidentMobilityAsync(Guid id, DateTimeOffset? from, DateTimeOffset? to, HttpContext context, CareAdmin admin, MobilityHistory history, CancellationToken ct)
    {
        if (await VisibleAsync(id, context, admin, ct).ConfigureAwait(false) is not { } visible)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound);
        }

        var (days, _) = await history.GetDaysAsync(visible.Devices, FirstDay(from), LastDay(to), ct).ConfigureAwait(false);
        return Results.Ok(MobilityDto.Of(MobilityLedger.Summarize(days)));
    }

    private static async Task<IResult> ListTestsAsync(Guid id, HttpContext context, CareAdmin admin, BalanceTestRecorder recorder, IOptions<BalanceOptions> options, CancellationToken ct)
    {
        if (await VisibleAsync(id, context, admin, ct).ConfigureAwait(false) is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound);
        }

        return Results.Ok((await recorder.ListAsync(id, options.Value.MaxTestsPerResident, ct).ConfigureAwait(false)).Select(ToDto));
    }

    private static async Task<IResult> PostTestAsync(
        Guid id, BalanceTestRequest? request, HttpContext context, CareAdmin admin, MobilityTable table, RawSampleArchive archive, BalanceTestBook book, BalanceTestRecorder recorder,
        IOptions<BalanceOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (await VisibleAsync(id, context, admin, ct).ConfigureAwait(false) is not { } visible)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound);
        }

        var actor = context.User.ToActor();
        if (request?.Action == "stop")
        {
            return await StopAsync(id, table, book, recorder, ct).ConfigureAwait(false);
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

        var devices = visible.Devices;
        var device = request.DeviceId ?? (devices.Count == 1 ? devices[0] : null);
        if (device is null || !devices.Contains(device))
        {
            return Results.Problem("Name the resident's device: \"deviceId\" (the resident wears none, or more than one).", statusCode: StatusCodes.Status400BadRequest);
        }

        if (request.Action == "start")
        {
            var session = Guid.NewGuid();
            if (!book.TryStart(id, new LiveTest(kind, request.Condition, device, actor.Name, time.GetUtcNow(), session)))
            {
                return Results.Problem("A test is already running for this resident: stop it first.", statusCode: StatusCodes.Status409Conflict);
            }

            if (!table.StartCapture(device))
            {
                book.Stop(id);
                return Results.Problem("The device has not been heard yet: nothing to record.", statusCode: StatusCodes.Status409Conflict);
            }

            await recorder.StartAsync(session, visible.Resident.FacilityId, id, device, kind, request.Condition, "live", actor.Name, ct).ConfigureAwait(false);
            return Results.Accepted($"/api/residents/{id}/balance-tests", new { test = kind.ToName(), deviceId = device, state = "recording", session });
        }

        if (request.Action is not null || request.Start is not { } start || request.End is not { } end)
        {
            return Results.Problem("A finished test needs \"start\" and \"end\" (ISO times); a live one \"action\": \"start\" or \"stop\".", statusCode: StatusCodes.Status400BadRequest);
        }

        return await ScoreFinishedAsync(id, visible.Resident, device, kind, request.Condition, start, end, actor, archive, recorder, options.Value, time, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A finished test posted afterwards, scored from the device's samples in the raw-sample archive
    /// (<see cref="BalanceOptions.RawBufferSeconds"/>): 422 with the reason when the segment is not (or only partly) in
    /// it any more, 503 when the archive lost samples of it or cannot be read.
    /// </summary>
    private static async Task<IResult> ScoreFinishedAsync(
        Guid id, Resident resident, string device, BalanceTestKind kind, string? condition, DateTimeOffset start, DateTimeOffset end, Actor actor,
        RawSampleArchive archive, BalanceTestRecorder recorder, BalanceOptions options, TimeProvider time, CancellationToken ct)
    {
        if (end <= start || end - start > TimeSpan.FromSeconds(options.MaxTestSeconds))
        {
            return Results.Problem($"\"end\" must follow \"start\", at most {options.MaxTestSeconds} s later (Balance:MaxTestSeconds).", statusCode: StatusCodes.Status400BadRequest);
        }

        if (end > time.GetUtcNow().AddMinutes(1))
        {
            return Results.Problem("\"end\" is in the future: post a test once it has finished, or run it live with \"action\": \"start\".", statusCode: StatusCodes.Status400BadRequest);
        }

        if (!archive.Enabled)
        {
            return Results.Problem(
                "This server keeps no raw samples (Balance:RawBufferSeconds = 0): run the test live with \"action\": \"start\" and \"stop\".",
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        // Blocking file reads (the segments that may hold the span, every device's records in them): off the request thread.
        var (fromMicros, toMicros) = (start.ToUnixTimeMilliseconds() * 1000, end.ToUnixTimeMilliseconds() * 1000);
        var (samples, rate, firstMicros, coverage, failure) = await Task.Run(() => archive.Read(device, fromMicros, toMicros), ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return Results.Problem(failure, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (coverage < 0.9 || samples.Length < rate * 2)
        {
            return Results.Problem(
                $"Only {coverage:P0} of the segment is in the server's raw buffer, which keeps the last {options.RawBufferSeconds} s of each device on disk (Balance:RawBufferSeconds; device time, so the wearable's clock must be right): post a finished test within that time, or run it live.",
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        var session = Guid.NewGuid();
        await recorder.StartAsync(session, resident.FacilityId, id, device, kind, condition, "finished", actor.Name, ct).ConfigureAwait(false);
        return await ScoreAndStoreAsync(id, session, kind, condition, samples, rate, firstMicros, recorder, ct).ConfigureAwait(false);
    }

    private static async Task<IResult> StopAsync(Guid id, MobilityTable table, BalanceTestBook book, BalanceTestRecorder recorder, CancellationToken ct)
    {
        if (book.Stop(id) is not { } live)
        {
            return Results.Problem("No test is running for this resident.", statusCode: StatusCodes.Status409Conflict);
        }

        if (table.StopCapture(live.DeviceId) is not { } capture || capture.Rate == 0 || capture.Samples.Length < capture.Rate * 2)
        {
            await recorder.FailAsync(live.SessionId, "Less than 2 s of the test reached the server.", ct).ConfigureAwait(false);
            return Results.Problem("Less than 2 s of the test reached the server: nothing to score.", statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        return await ScoreAndStoreAsync(id, live.SessionId, live.Kind, live.Condition, capture.Samples, capture.Rate, capture.StartMicros, recorder, ct).ConfigureAwait(false);
    }

    private static async Task<IResult> ScoreAndStoreAsync(Guid id, Guid session, BalanceTestKind kind, string? condition, AccelSample[] samples, int rate, long firstMicros, BalanceTestRecorder recorder, CancellationToken ct)
    {
        var result = BalanceTestScorer.Score(kind, samples, rate, condition);
        var start = DateTimeOffset.FromUnixTimeMilliseconds(firstMicros / 1000);
        var record = await recorder.CompleteAsync(session, start, start.AddSeconds(result.SegmentSeconds), result, ct).ConfigureAwait(false);
        return record is null
            ? Results.Problem("The test's session is gone from the store.", statusCode: StatusCodes.Status409Conflict)
            : Results.Created($"/api/residents/{id}/balance-tests", ToDto(record));
    }

    private static async Task<IResult> ProgressAsync(Guid id, HttpContext context, CareAdmin admin, MobilityHistory history, BalanceTestRecorder recorder, IOptions<BalanceOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (await ResidentProgress.LoadAsync(id, context, admin, history, recorder, options.Value, time, ct).ConfigureAwait(false) is not { } progress)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound);
        }

        return Results.Ok(new ProgressDto(
            progress.From,
            progress.To,
            [.. progress.Trends.Select(ToDto)],
            [.. progress.Inactivity.Select(static f => (object)new { date = f.Date, measure = f.Measure, value = Math.Round(f.Value, 1), norm = Math.Round(f.Norm, 1), robust_z = Math.Round(f.RobustZ, 2) })]));
    }

    private static async Task<IResult> ReportAsync(Guid id, HttpContext context, CareAdmin admin, MobilityHistory history, BalanceTestRecorder recorder, IOptions<BalanceOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (await ResidentProgress.LoadAsync(id, context, admin, history, recorder, options.Value, time, ct).ConfigureAwait(false) is not { } progress)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound);
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
        return Results.Text(ProgressReportPage.Render(progress, time.GetUtcNow()), "text/html; charset=utf-8");
    }

    private static async Task<IResult> CsvAsync(Guid id, HttpContext context, CareAdmin admin, MobilityHistory history, BalanceTestRecorder recorder, IOptions<BalanceOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (await ResidentProgress.LoadAsync(id, context, admin, history, recorder, options.Value, time, ct).ConfigureAwait(false) is not { } progress)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound);
        }

        context.Response.Headers.CacheControl = "no-store";
        var name = $"progress-{progress.Resident.Id:N}-{progress.To:yyyy-MM-dd}.csv";
        return Results.File(System.Text.Encoding.UTF8.GetBytes(ProgressCsv.Write(progress)), "text/csv; charset=utf-8", name);
    }

    /// <summary>The resident and its current devices, or null when the resident does not exist for the caller.</summary>
    internal static async Task<(Resident Resident, List<string> Devices)?> VisibleAsync(Guid id, HttpContext context, CareAdmin admin, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        var resident = await admin.GetResidentAsync(id, ct).ConfigureAwait(false);
        if (resident is null || !actor.CanSee(resident.FacilityId))
        {
            return null;
        }

        var wearables = await admin.ListWearablesAsync(actor, ct).ConfigureAwait(false);
        return (resident, [.. wearables.Where(w => w.ResidentId == id).Select(static w => w.DeviceId)]);
    }

    private static long FirstDay(DateTimeOffset? from) => from is { } f ? MobilityHistory.DayOf(f.ToUnixTimeMilliseconds() * 1000) : long.MinValue;

    private static long LastDay(DateTimeOffset? to) => to is { } t ? MobilityHistory.DayOf((t.ToUnixTimeMilliseconds() * 1000) - 1) : long.MaxValue;

    private static object ToDto(BalanceTestRecord r) => new
    {
        id = r.Id,
        test = r.Result.Kind.ToName(),
        condition = r.Result.Condition,
        deviceId = r.DeviceId,
        runBy = r.RunBy,
        mode = r.Mode,
        startedAt = r.StartedAt,
        start = r.Start,
        end = r.End,
        segment_s = Math.Round(r.Result.SegmentSeconds, 2),
        hold_s = Round(r.Result.HoldSeconds),
        balance_lost = r.Result.BalanceLost,
        sway = r.Result.Sway is { } s ? new { rms_ms2 = s.RmsMs2, mean_velocity = s.MeanVelocity, ellipse_area95 = s.EllipseArea95, jerk_rms = s.JerkRms } : null,
        repetitions = r.Result.Repetitions,
        total_s = Round(r.Result.TotalSeconds),
        rise_s = r.Result.RiseSeconds?.Select(static x => Math.Round(x, 3)),
        steps = r.Result.Steps,
        cadence_spm = Round(r.Result.CadenceSpm),
        step_time_cv = Round(r.Result.StepTimeCv),
        phases = r.Result.Phases is { } p ? new { rise_s = Math.Round(p.RiseSeconds, 3), walk_s = Math.Round(p.WalkSeconds, 3), sit_s = Math.Round(p.SitSeconds, 3) } : null,
    };

    // Scores are computed in float: three decimals is all they carry.
    private static double? Round(double? value) => value is { } v && double.IsFinite(v) ? Math.Round(v, 3) : null;

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

/// <summary><c>GET /api/residents/{id}/progress</c>: the days read, a trend per measure and the inactivity flags.</summary>
internal sealed record ProgressDto(DateOnly From, DateOnly To, IReadOnlyList<object> Trends, IReadOnlyList<object> Inactivity);
