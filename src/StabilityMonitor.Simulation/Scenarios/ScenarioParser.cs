using System.Globalization;
using System.Text;
using System.Text.Json;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>
/// Reads and validates a scenario file (JSON; comments and trailing commas allowed). Every problem is reported
/// with its line, column and field path; nothing is half-accepted. The format is in docs/simulator.md.
/// </summary>
public static class ScenarioParser
{
    /// <summary>Most wearers a scenario may define (after <c>count</c> expansion).</summary>
    public const int MaxWearers = 10_000;

    private static readonly string[] s_rootFields = ["name", "seed", "duration", "device", "faults", "wearers"];
    private static readonly string[] s_deviceFields = ["rateHz", "samplesPerFrame", "rangeG", "battery", "drainPerHour", "statusEvery"];
    private static readonly string[] s_wearerFields = ["id", "count", "profile", "seed", "device", "timeline", "faults"];
    private static readonly string[] s_stepFields = ["activity", "duration", "at", "direction", "lie", "pace", "sway"];
    private static readonly string[] s_faultFields = ["kind", "at", "duration", "from", "to", "probability", "count", "ppm", "offset", "limitG", "axis", "level", "buffer"];

    private static readonly Dictionary<string, ScenarioActivity> s_activities = new(StringComparer.OrdinalIgnoreCase)
    {
        ["stand"] = ScenarioActivity.Stand,
        ["walk"] = ScenarioActivity.Walk,
        ["sit"] = ScenarioActivity.Sit,
        ["stand-up"] = ScenarioActivity.StandUp,
        ["sit-to-stand"] = ScenarioActivity.StandUp,
        ["sit-down"] = ScenarioActivity.SitDown,
        ["stand-to-sit"] = ScenarioActivity.SitDown,
        ["lie"] = ScenarioActivity.Lie,
        ["get-up"] = ScenarioActivity.GetUp,
        ["stumble"] = ScenarioActivity.Stumble,
        ["trip"] = ScenarioActivity.Trip,
        ["slip"] = ScenarioActivity.Slip,
        ["fall"] = ScenarioActivity.Fall,
    };

    private static readonly Dictionary<string, FaultKind> s_faults = new(StringComparer.OrdinalIgnoreCase)
    {
        ["loss"] = FaultKind.Loss,
        ["duplicate"] = FaultKind.Duplicate,
        ["duplicates"] = FaultKind.Duplicate,
        ["reorder"] = FaultKind.Reorder,
        ["disconnect"] = FaultKind.Disconnect,
        ["clock-drift"] = FaultKind.ClockDrift,
        ["clock-jump"] = FaultKind.ClockJump,
        ["saturation"] = FaultKind.Saturation,
        ["stuck-axis"] = FaultKind.StuckAxis,
        ["low-battery"] = FaultKind.LowBattery,
        ["malformed"] = FaultKind.Malformed,
    };

    /// <summary>The file name of an activity (<c>stand-up</c>).</summary>
    public static string ActivityName(ScenarioActivity activity) => activity switch
    {
        ScenarioActivity.StandUp => "stand-up",
        ScenarioActivity.SitDown => "sit-down",
        ScenarioActivity.GetUp => "get-up",
        _ => activity.ToString().ToLowerInvariant(),
    };

    /// <summary>The file name of a fault kind (<c>clock-drift</c>).</summary>
    public static string FaultName(FaultKind kind) => kind switch
    {
        FaultKind.ClockDrift => "clock-drift",
        FaultKind.ClockJump => "clock-jump",
        FaultKind.StuckAxis => "stuck-axis",
        FaultKind.LowBattery => "low-battery",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Reads a scenario file.</summary>
    /// <exception cref="ScenarioValidationException">The file is not a valid scenario.</exception>
    public static Scenario ParseFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllBytes(path), System.IO.Path.GetFileName(path), System.IO.Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Parses scenario text.</summary>
    /// <exception cref="ScenarioValidationException">The text is not a valid scenario.</exception>
    public static Scenario Parse(string text, string source = "scenario", string? defaultName = null) =>
        Parse(Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))), source, defaultName);

    /// <summary>Parses UTF-8 scenario bytes.</summary>
    /// <exception cref="ScenarioValidationException">The bytes are not a valid scenario.</exception>
    public static Scenario Parse(ReadOnlySpan<byte> utf8, string source = "scenario", string? defaultName = null)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            utf8 = utf8[3..];
        }

        var root = PositionedJson.Parse(utf8, out var syntax);
        if (root is null)
        {
            throw new ScenarioValidationException(source, [syntax!]);
        }

        var context = new Context();
        var scenario = ReadScenario(root, context, defaultName ?? "scenario");
        if (context.Errors.Count > 0)
        {
            throw new ScenarioValidationException(source, [.. context.Errors.OrderBy(static e => e.Line).ThenBy(static e => e.Column)]);
        }

        return scenario!;
    }

    private static Scenario? ReadScenario(PositionedJson root, Context c, string defaultName)
    {
        if (root.Kind != JsonValueKind.Object)
        {
            c.Error(root, "$", $"expected a JSON object with 'wearers', found {root.Describe()}");
            return null;
        }

        CheckFields(root, "", s_rootFields, c);
        var name = String(root, "name", "", c) ?? defaultName;
        var seed = Int(root, "seed", "", c, int.MinValue, int.MaxValue) ?? 1;
        var duration = Duration(root, "duration", "", c, min: 0.001);
        var device = ReadDevice(Member(root, "device"), "device", new DeviceSettings(), c);
        var commonFaults = ReadFaults(Member(root, "faults"), "faults", c);

        var wearersNode = Member(root, "wearers");
        var wearers = new List<WearerSpec>();
        if (wearersNode is null)
        {
            c.Error(root, "wearers", "required: a list of wearers, each with an 'id' and a 'timeline'");
        }
        else if (wearersNode.Kind != JsonValueKind.Array || wearersNode.Items.Count == 0)
        {
            c.Error(wearersNode, "wearers", $"expected a non-empty array of wearers, found {wearersNode.Describe()}");
        }
        else
        {
            var ids = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < wearersNode.Items.Count; i++)
            {
                ReadWearer(wearersNode.Items[i], $"wearers[{i}]", i, seed, device, commonFaults, wearers, ids, c);
            }

            if (wearers.Count > MaxWearers)
            {
                c.Error(wearersNode, "wearers", $"{wearers.Count} wearers after 'count' expansion; at most {MaxWearers}");
            }
        }

        if (duration is { } d && wearers.Count > 0)
        {
            foreach (var fault in wearers.SelectMany(static w => w.Faults).Where(f => f.StartSeconds >= d))
            {
                c.Errors.Add(new ScenarioError(fault.Line, 0, "faults", $"the {FaultName(fault.Kind)} fault starts at {DurationText.Format(fault.StartSeconds)}, after the scenario's duration {DurationText.Format(d)}"));
            }
        }

        return new Scenario(name, seed, duration, wearers);
    }

    private static void ReadWearer(
        PositionedJson node,
        string path,
        int index,
        int scenarioSeed,
        DeviceSettings defaults,
        IReadOnlyList<FaultSpec> commonFaults,
        List<WearerSpec> wearers,
        Dictionary<string, string> ids,
        Context c)
    {
        if (node.Kind != JsonValueKind.Object)
        {
            c.Error(node, path, $"expected a wearer object with 'id' and 'timeline', found {node.Describe()}");
            return;
        }

        CheckFields(node, path, s_wearerFields, c);
        var id = String(node, "id", path, c);
        var idNode = Member(node, "id");
        if (id is null)
        {
            c.Error(node, path + ".id", "required: the device id, 1..64 characters of [A-Za-z0-9_-]");
        }

        var count = Int(node, "count", path, c, 1, MaxWearers) ?? 1;
        var idLength = (id?.Length ?? 0) + (count > 1 ? 1 + Math.Max(2, count.ToString(CultureInfo.InvariantCulture).Length) : 0);
        if (id is not null && (!DeviceId.IsValid(id) || idLength > DeviceId.MaxLength))
        {
            c.Error(idNode!, path + ".id", $"'{id}' is not a valid device id: 1..{DeviceId.MaxLength} characters of [A-Za-z0-9_-] (with '-NN' added when count > 1)");
            id = null;
        }

        var kind = WearerKind.Steady;
        if (Member(node, "profile") is { } profileNode)
        {
            var profile = String(node, "profile", path, c);
            if (profile is not null)
            {
                if (string.Equals(profile, "steady", StringComparison.OrdinalIgnoreCase))
                {
                    kind = WearerKind.Steady;
                }
                else if (string.Equals(profile, "unsteady", StringComparison.OrdinalIgnoreCase))
                {
                    kind = WearerKind.Unsteady;
                }
                else
                {
                    c.Error(profileNode, path + ".profile", $"unknown profile '{profile}'; expected 'steady' or 'unsteady'");
                }
            }
        }

        var seed = Int(node, "seed", path, c, int.MinValue, int.MaxValue);
        var device = ReadDevice(Member(node, "device"), path + ".device", defaults, c);
        var faults = new List<FaultSpec>(commonFaults);
        faults.AddRange(ReadFaults(Member(node, "faults"), path + ".faults", c));
        var timeline = ReadTimeline(node, path, c);
        foreach (var fault in faults.Where(static f => f.Kind is FaultKind.Saturation))
        {
            if (fault.LimitG > device.RangeG)
            {
                c.Errors.Add(new ScenarioError(fault.Line, 0, path + ".faults", $"saturation limit {fault.LimitG} g is above the device range {device.RangeG} g: it would never clip"));
            }
        }

        if (id is null || timeline is null)
        {
            return;
        }

        for (var n = 1; n <= count; n++)
        {
            var deviceId = count == 1 ? id : $"{id}-{n.ToString(count >= 100 ? "000" : "00", CultureInfo.InvariantCulture)}";
            if (ids.TryGetValue(deviceId, out var other))
            {
                c.Error(idNode!, path + ".id", $"device id '{deviceId}' is already used by {other}");
                continue;
            }

            ids[deviceId] = path;
            var wearerSeed = seed is { } s ? unchecked(s + n - 1) : DeriveSeed(scenarioSeed, deviceId);
            wearers.Add(new WearerSpec(deviceId, kind, wearerSeed, device, timeline, faults, node.Line));
        }
    }

    /// <summary>A wearer's seed from the scenario seed and its id (stable across runs and .NET versions).</summary>
    public static int DeriveSeed(int scenarioSeed, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        unchecked
        {
            // FNV-1a over the id, mixed with the scenario seed.
            var hash = 2166136261u ^ (uint)scenarioSeed;
            foreach (var ch in deviceId)
            {
                hash = (hash ^ ch) * 16777619u;
            }

            return (int)(hash & 0x7FFF_FFFF);
        }
    }

    private static List<TimelineStep>? ReadTimeline(PositionedJson wearer, string path, Context c)
    {
        var node = Member(wearer, "timeline");
        if (node is null)
        {
            c.Error(wearer, path + ".timeline", "required: a list of steps such as \"stand 60s\", \"walk 30s\", \"stumble\", \"fall at 120s\"");
            return null;
        }

        if (node.Kind != JsonValueKind.Array || node.Items.Count == 0)
        {
            c.Error(node, path + ".timeline", $"expected a non-empty array of steps, found {node.Describe()}");
            return null;
        }

        var steps = new List<TimelineStep>();
        var before = c.Errors.Count;
        for (var i = 0; i < node.Items.Count; i++)
        {
            if (ReadStep(node.Items[i], $"{path}.timeline[{i}]", c) is { } step)
            {
                steps.Add(step);
            }
        }

        if (c.Errors.Count > before)
        {
            return null;
        }

        TimelineSchedule.Resolve(steps, (i, message) => c.Error(node.Items[i], $"{path}.timeline[{i}]", message));
        return c.Errors.Count > before ? null : steps;
    }

    private static TimelineStep? ReadStep(PositionedJson node, string path, Context c)
    {
        if (node.Kind == JsonValueKind.String)
        {
            return ParseStepText(node.Text ?? string.Empty, node, path, c);
        }

        if (node.Kind != JsonValueKind.Object)
        {
            c.Error(node, path, $"expected a step such as \"walk 30s\" or {{\"activity\":\"walk\",\"duration\":\"30s\"}}, found {node.Describe()}");
            return null;
        }

        CheckFields(node, path, s_stepFields, c);
        var activityText = String(node, "activity", path, c);
        if (activityText is null)
        {
            c.Error(node, path + ".activity", $"required: one of {string.Join(", ", s_activities.Keys)}");
            return null;
        }

        if (!s_activities.TryGetValue(activityText, out var activity))
        {
            c.Error(Member(node, "activity")!, path + ".activity", $"unknown activity '{activityText}'; expected one of {string.Join(", ", s_activities.Keys)}");
            return null;
        }

        var step = new TimelineStep(activity, Duration(node, "duration", path, c, min: 0.001), Duration(node, "at", path, c, min: 0), node.Line);
        if (Member(node, "direction") is { } directionNode)
        {
            var text = String(node, "direction", path, c);
            if (text is not null && TryDirection(text, out var direction))
            {
                step = step with { Direction = direction };
            }
            else if (text is not null)
            {
                c.Error(directionNode, path + ".direction", $"unknown direction '{text}'; expected forward, backward, left or right");
            }
        }

        if (Duration(node, "lie", path, c, min: 0) is { } lie)
        {
            step = step with { LieSeconds = lie };
        }

        if (Member(node, "pace") is { } paceNode)
        {
            var text = String(node, "pace", path, c);
            if (text is not null && TryPace(text, out var pace))
            {
                step = step with { Pace = pace };
            }
            else if (text is not null)
            {
                c.Error(paceNode, path + ".pace", $"unknown pace '{text}'; expected slow, normal or fast");
            }
        }

        if (Member(node, "sway") is { } swayNode)
        {
            var text = String(node, "sway", path, c);
            if (text is not null && TrySway(text, out var sway))
            {
                step = step with { Sway = sway };
            }
            else if (text is not null)
            {
                c.Error(swayNode, path + ".sway", $"unknown sway '{text}'; expected steady or unsteady");
            }
        }

        return CheckStep(step, node, path, c);
    }

    /// <summary><c>activity [duration] [at TIME] [modifiers]</c>, e.g. <c>walk 30s</c>, <c>fall at 120s backward lie 30s</c>, <c>stand 60s unsteady</c>.</summary>
    private static TimelineStep? ParseStepText(string text, PositionedJson node, string path, Context c)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0)
        {
            c.Error(node, path, "empty step; expected e.g. \"walk 30s\"");
            return null;
        }

        if (!s_activities.TryGetValue(words[0], out var activity))
        {
            c.Error(node, path, $"unknown activity '{words[0]}' in \"{text}\"; expected one of {string.Join(", ", s_activities.Keys)}");
            return null;
        }

        var step = new TimelineStep(activity, Line: node.Line);
        for (var i = 1; i < words.Length; i++)
        {
            var word = words[i];
            if ((word is "at" or "lie") && i + 1 < words.Length && DurationText.TryParse(words[i + 1], out var time) && time >= 0)
            {
                step = word == "at" ? step with { AtSeconds = time } : step with { LieSeconds = time };
                i++;
            }
            else if (word is "at" or "lie")
            {
                c.Error(node, path, $"'{word}' in \"{text}\" must be followed by a time such as 120s or 2m");
                return null;
            }
            else if (step.Seconds is null && DurationText.TryParse(word, out var seconds) && seconds > 0)
            {
                step = step with { Seconds = seconds };
            }
            else if (TryDirection(word, out var direction))
            {
                step = step with { Direction = direction };
            }
            else if (TryPace(word, out var pace))
            {
                step = step with { Pace = pace };
            }
            else if (TrySway(word, out var sway))
            {
                step = step with { Sway = sway };
            }
            else
            {
                c.Error(node, path, $"cannot read '{word}' in \"{text}\"; expected a duration (30s, 2m), 'at TIME', a fall direction, 'lie TIME', a pace (slow, fast) or a sway (steady, unsteady)");
                return null;
            }
        }

        return CheckStep(step, node, path, c);
    }

    private static TimelineStep? CheckStep(TimelineStep step, PositionedJson node, string path, Context c)
    {
        var name = ActivityName(step.Activity);
        if (step.Seconds is { } seconds)
        {
            switch (step.Activity)
            {
                case ScenarioActivity.Stumble or ScenarioActivity.Trip or ScenarioActivity.Slip or ScenarioActivity.Fall:
                    c.Error(node, path, $"'{name}' has a fixed length ({DurationText.Format(TimelineSchedule.NearFallSeconds)} for near-falls; a fall takes {DurationText.Format(TimelineSchedule.FallLeadSeconds)} plus 'lie TIME'); remove the duration");
                    return null;
                case ScenarioActivity.StandUp or ScenarioActivity.SitDown when seconds is < 1 or > 8:
                    c.Error(node, path, $"'{name}' must take 1s..8s, not {DurationText.Format(seconds)}");
                    return null;
                case ScenarioActivity.GetUp when seconds is < 2 or > 30:
                    c.Error(node, path, $"'get-up' must take 2s..30s, not {DurationText.Format(seconds)}");
                    return null;
            }
        }

        if (step.Direction != FallDirection.Forward && step.Activity != ScenarioActivity.Fall)
        {
            c.Error(node, path, $"a direction applies to 'fall' only, not to '{name}'");
            return null;
        }

        if (step.Pace != 1 && step.Activity != ScenarioActivity.Walk)
        {
            c.Error(node, path, $"a pace applies to 'walk' only, not to '{name}'");
            return null;
        }

        if (step.Sway != SwayStyle.Profile && step.Activity != ScenarioActivity.Stand)
        {
            c.Error(node, path, $"a sway style applies to 'stand' only, not to '{name}'");
            return null;
        }

        return step;
    }

    private static List<FaultSpec> ReadFaults(PositionedJson? node, string path, Context c)
    {
        var faults = new List<FaultSpec>();
        if (node is null)
        {
            return faults;
        }

        if (node.Kind != JsonValueKind.Array)
        {
            c.Error(node, path, $"expected an array of faults, found {node.Describe()}");
            return faults;
        }

        for (var i = 0; i < node.Items.Count; i++)
        {
            if (ReadFault(node.Items[i], $"{path}[{i}]", c) is { } fault)
            {
                faults.Add(fault);
            }
        }

        return faults;
    }

    private static FaultSpec? ReadFault(PositionedJson node, string path, Context c)
    {
        if (node.Kind != JsonValueKind.Object)
        {
            c.Error(node, path, $"expected a fault object such as {{\"kind\":\"loss\",\"at\":\"40s\",\"duration\":\"2s\"}}, found {node.Describe()}");
            return null;
        }

        CheckFields(node, path, s_faultFields, c);
        var before = c.Errors.Count;
        var kindText = String(node, "kind", path, c);
        if (kindText is null)
        {
            c.Error(node, path + ".kind", $"required: one of {string.Join(", ", s_faults.Keys)}");
            return null;
        }

        if (!s_faults.TryGetValue(kindText, out var kind))
        {
            c.Error(Member(node, "kind")!, path + ".kind", $"unknown fault '{kindText}'; expected one of {string.Join(", ", s_faults.Keys)}");
            return null;
        }

        var at = Duration(node, "at", path, c, min: 0);
        var from = Duration(node, "from", path, c, min: 0);
        var duration = Duration(node, "duration", path, c, min: 0.001);
        double? to = null;
        if (Member(node, "to") is { } toNode)
        {
            if (toNode.Kind == JsonValueKind.String && string.Equals(toNode.Text, "end", StringComparison.OrdinalIgnoreCase))
            {
                to = double.PositiveInfinity;
            }
            else
            {
                to = Duration(node, "to", path, c, min: 0);
            }
        }

        if (at is not null && from is not null)
        {
            c.Error(node, path, "give either 'at' (with 'duration') or 'from' (with 'to'), not both");
        }

        if (duration is not null && to is not null)
        {
            c.Error(node, path, "give either 'duration' or 'to', not both");
        }

        var start = at ?? from ?? 0;
        var instant = kind is FaultKind.ClockJump or FaultKind.LowBattery;
        double end;
        if (instant)
        {
            end = start;
            if (duration is not null || to is not null)
            {
                c.Error(node, path, $"'{FaultName(kind)}' happens at one time: give 'at' only");
            }
        }
        else if (duration is { } d)
        {
            end = start + d;
        }
        else if (to is { } t)
        {
            end = t;
        }
        else if (kind is FaultKind.Loss or FaultKind.Disconnect or FaultKind.Saturation or FaultKind.StuckAxis)
        {
            c.Error(node, path + ".duration", $"'{FaultName(kind)}' needs a window: 'at' with 'duration', or 'from' with 'to'");
            end = start;
        }
        else
        {
            end = double.PositiveInfinity;
        }

        if (end <= start && !instant && c.Errors.Count == before)
        {
            c.Error(node, path, $"the window ends ({DurationText.Format(end)}) before it starts ({DurationText.Format(start)})");
        }

        var fault = new FaultSpec(kind, start, end, node.Line);
        if (Member(node, "probability") is not null)
        {
            var p = Number(node, "probability", path, c, 0, 1);
            if (kind is not (FaultKind.Loss or FaultKind.Duplicate or FaultKind.Reorder or FaultKind.Malformed))
            {
                c.Error(Member(node, "probability")!, path + ".probability", $"'{FaultName(kind)}' takes no probability");
            }

            fault = fault with { Probability = p };
        }

        if (Member(node, "count") is not null)
        {
            if (kind != FaultKind.Malformed)
            {
                c.Error(Member(node, "count")!, path + ".count", "only a 'malformed' fault takes a count");
            }

            fault = fault with { Count = Int(node, "count", path, c, 1, 1_000_000) };
            if (fault.Probability is not null)
            {
                c.Error(node, path, "give either 'count' or 'probability', not both");
            }

            if (double.IsPositiveInfinity(end))
            {
                c.Error(node, path, "a 'count' needs a bounded window ('duration' or 'to')");
            }
        }

        fault = kind switch
        {
            FaultKind.ClockDrift => fault with { Ppm = Required(Number(node, "ppm", path, c, -10_000, 10_000), node, path + ".ppm", "the drift in parts per million, e.g. 80 or -50", c) },
            FaultKind.ClockJump => fault with { OffsetSeconds = Required(Duration(node, "offset", path, c, min: -86_400), node, path + ".offset", "the jump, e.g. \"5s\" or \"-2s\"", c) },
            FaultKind.Saturation => fault with { LimitG = Number(node, "limitG", path, c, 0.1, 16) ?? 2 },
            FaultKind.StuckAxis => fault with { Axis = Axis(node, path, c) },
            FaultKind.LowBattery => fault with { Level = Number(node, "level", path, c, 0, 1) ?? 0.05 },
            FaultKind.Disconnect => fault with { Buffer = Bool(node, "buffer", path, c) ?? true },
            _ => fault,
        };

        foreach (var field in new[] { "ppm", "offset", "limitG", "axis", "level", "buffer" })
        {
            var owner = field switch
            {
                "ppm" => FaultKind.ClockDrift,
                "offset" => FaultKind.ClockJump,
                "limitG" => FaultKind.Saturation,
                "axis" => FaultKind.StuckAxis,
                "level" => FaultKind.LowBattery,
                _ => FaultKind.Disconnect,
            };
            if (kind != owner && Member(node, field) is { } extra)
            {
                c.Error(extra, $"{path}.{field}", $"'{field}' belongs to a '{FaultName(owner)}' fault, not to '{FaultName(kind)}'");
            }
        }

        return c.Errors.Count > before ? null : fault;
    }

    private static int Axis(PositionedJson node, string path, Context c)
    {
        var text = String(node, "axis", path, c);
        switch (text?.ToLowerInvariant())
        {
            case "x":
                return 0;
            case "y":
                return 1;
            case "z":
                return 2;
            case null:
                if (Member(node, "axis") is null)
                {
                    c.Error(node, path + ".axis", "required: x, y or z");
                }

                return 0;
            default:
                c.Error(Member(node, "axis")!, path + ".axis", $"unknown axis '{text}'; expected x, y or z");
                return 0;
        }
    }

    private static DeviceSettings ReadDevice(PositionedJson? node, string path, DeviceSettings defaults, Context c)
    {
        if (node is null)
        {
            return defaults;
        }

        if (node.Kind != JsonValueKind.Object)
        {
            c.Error(node, path, $"expected an object with device settings, found {node.Describe()}");
            return defaults;
        }

        CheckFields(node, path, s_deviceFields, c);
        var device = defaults with
        {
            RateHz = Int(node, "rateHz", path, c, 1, 1000) ?? defaults.RateHz,
            SamplesPerFrame = Int(node, "samplesPerFrame", path, c, 1, 1000) ?? defaults.SamplesPerFrame,
            Battery = Number(node, "battery", path, c, 0, 1) ?? defaults.Battery,
            DrainPerHour = Number(node, "drainPerHour", path, c, 0, 100) ?? defaults.DrainPerHour,
            StatusEverySeconds = Duration(node, "statusEvery", path, c, min: 0.1) ?? defaults.StatusEverySeconds,
        };
        if (Int(node, "rangeG", path, c, 2, 16) is { } range)
        {
            if (range is 2 or 4 or 8 or 16)
            {
                device = device with { RangeG = range };
            }
            else
            {
                c.Error(Member(node, "rangeG")!, path + ".rangeG", $"{range} is not a sensor range; expected 2, 4, 8 or 16");
            }
        }

        return device;
    }

    private static bool TryDirection(string text, out FallDirection direction)
    {
        direction = text.ToLowerInvariant() switch
        {
            "forward" => FallDirection.Forward,
            "backward" => FallDirection.Backward,
            "left" => FallDirection.Left,
            "right" => FallDirection.Right,
            _ => (FallDirection)255,
        };
        return Enum.IsDefined(direction);
    }

    private static bool TryPace(string text, out double pace)
    {
        pace = text.ToLowerInvariant() switch
        {
            "slow" => 0.85,
            "normal" => 1,
            "fast" => 1.15,
            _ => 0,
        };
        return pace > 0;
    }

    private static bool TrySway(string text, out SwayStyle sway)
    {
        sway = text.ToLowerInvariant() switch
        {
            "steady" => SwayStyle.Steady,
            "unsteady" => SwayStyle.Unsteady,
            _ => SwayStyle.Profile,
        };
        return sway != SwayStyle.Profile;
    }

    private static void CheckFields(PositionedJson node, string path, string[] allowed, Context c)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _, line, column) in node.Members)
        {
            var full = path.Length == 0 ? name : $"{path}.{name}";
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                var near = allowed.FirstOrDefault(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));
                c.Errors.Add(new ScenarioError(line, column, full, near is not null
                    ? $"unknown field '{name}'; did you mean '{near}'? (names are case-sensitive)"
                    : $"unknown field '{name}'; expected one of {string.Join(", ", allowed)}"));
            }
            else if (!seen.Add(name))
            {
                c.Errors.Add(new ScenarioError(line, column, full, $"'{name}' is given twice"));
            }
        }
    }

    private static PositionedJson? Member(PositionedJson node, string name)
    {
        foreach (var (n, value, _, _) in node.Members)
        {
            if (n == name)
            {
                return value;
            }
        }

        return null;
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string? String(PositionedJson node, string name, string path, Context c)
    {
        if (Member(node, name) is not { } value)
        {
            return null;
        }

        if (value.Kind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.Text))
        {
            c.Error(value, Join(path, name), $"expected a non-empty string, found {value.Describe()}");
            return null;
        }

        return value.Text;
    }

    private static double? Number(PositionedJson node, string name, string path, Context c, double min, double max)
    {
        if (Member(node, name) is not { } value)
        {
            return null;
        }

        if (value.Kind != JsonValueKind.Number)
        {
            c.Error(value, Join(path, name), $"expected a number in {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}, found {value.Describe()}");
            return null;
        }

        if (value.Number < min || value.Number > max)
        {
            c.Error(value, Join(path, name), $"{value.Text} is out of range; expected {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        return value.Number;
    }

    private static int? Int(PositionedJson node, string name, string path, Context c, int min, int max)
    {
        if (Member(node, name) is not { } value)
        {
            return null;
        }

        if (value.Kind != JsonValueKind.Number || value.Number != Math.Floor(value.Number))
        {
            c.Error(value, Join(path, name), $"expected a whole number, found {value.Describe()}");
            return null;
        }

        if (value.Number < min || value.Number > max)
        {
            c.Error(value, Join(path, name), $"{value.Text} is out of range; expected {min}..{max}");
            return null;
        }

        return (int)value.Number;
    }

    private static bool? Bool(PositionedJson node, string name, string path, Context c)
    {
        if (Member(node, name) is not { } value)
        {
            return null;
        }

        if (value.Kind is not (JsonValueKind.True or JsonValueKind.False))
        {
            c.Error(value, Join(path, name), $"expected true or false, found {value.Describe()}");
            return null;
        }

        return value.Kind == JsonValueKind.True;
    }

    /// <summary>A duration: a string such as "30s", "2m", "500ms", or a number of seconds.</summary>
    private static double? Duration(PositionedJson node, string name, string path, Context c, double min)
    {
        if (Member(node, name) is not { } value)
        {
            return null;
        }

        double seconds;
        if (value.Kind == JsonValueKind.Number)
        {
            seconds = value.Number;
        }
        else if (value.Kind != JsonValueKind.String || !DurationText.TryParse(value.Text, out seconds))
        {
            c.Error(value, Join(path, name), $"expected a time such as \"30s\", \"2m\", \"500ms\" or a number of seconds, found {value.Describe()}");
            return null;
        }

        if (seconds < min)
        {
            c.Error(value, Join(path, name), $"{DurationText.Format(seconds)} is too small; expected at least {DurationText.Format(min)}");
            return null;
        }

        return seconds;
    }

    private static double Required(double? value, PositionedJson node, string path, string what, Context c)
    {
        if (value is null && !c.Errors.Any(e => e.Path == path))
        {
            c.Error(node, path, "required: " + what);
        }

        return value ?? 0;
    }

    private sealed class Context
    {
        public List<ScenarioError> Errors { get; } = [];

        public void Error(PositionedJson at, string path, string message) => Errors.Add(new ScenarioError(at.Line, at.Column, path, message));
    }
}
