using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Signal;

namespace StabilityMonitor.Balance.Guided;

/// <summary>
/// Scores a guided balance test from the segment of the stream between its start and end (docs/balance.md, "Guided
/// balance tests"). The chair tests and the TUG must start seated and the stance tests standing, as their protocols say.
/// </summary>
public static class BalanceTestScorer
{
    /// <summary>Dynamic acceleration that ends a stance hold: a recovery step or a grab, g. Quiet sway stays below 0.05 g.</summary>
    public const float JoltG = 0.2f;

    /// <summary>Rises counted in the 5× sit-to-stand test.</summary>
    public const int FiveTimes = 5;

    public static BalanceTestResult Score(BalanceTestKind kind, ReadOnlySpan<AccelSample> samples, int rateHz, string? condition = null)
    {
        var signal = TestSignal.From(samples, rateHz);
        if (signal.Length < signal.Rate * 2)
        {
            throw new ArgumentException("A balance test segment must last at least 2 s.", nameof(samples));
        }

        var result = kind switch
        {
            BalanceTestKind.QuietStance or BalanceTestKind.TandemStance or BalanceTestKind.SingleLegStance => Stance(kind, signal),
            BalanceTestKind.SitToStand5x or BalanceTestKind.ChairStand30s => Chair(kind, signal),
            BalanceTestKind.TimedUpAndGo => TimedUpAndGo(signal),
            BalanceTestKind.HeelToToeWalk => Walk(kind, signal),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown balance test."),
        };
        return result with { Condition = condition };
    }

    /// <summary>Romberg ratio: sway RMS eyes closed over eyes open (1 = vision adds nothing; larger = more reliance on vision).</summary>
    public static double RombergRatio(BalanceTestResult eyesOpen, BalanceTestResult eyesClosed)
    {
        ArgumentNullException.ThrowIfNull(eyesOpen);
        ArgumentNullException.ThrowIfNull(eyesClosed);
        return eyesOpen.Sway is { RmsMs2: > 0 } open && eyesClosed.Sway is { } closed ? closed.RmsMs2 / open.RmsMs2 : double.NaN;
    }

    private static BalanceTestResult Stance(BalanceTestKind kind, TestSignal s)
    {
        var settle = (int)(0.5f * s.Rate);
        var loss = -1;
        for (var i = settle; i < s.Length; i++)
        {
            if (s.Dynamic[i] > JoltG)
            {
                loss = i;
                break;
            }
        }

        var holdEnd = loss < 0 ? s.Length : loss;
        var from = settle;
        var to = Math.Max(from + 2, holdEnd - settle);
        QuietStandingSway? sway = null;
        if (to <= s.Length && to - from >= s.Rate)
        {
            var ring = new AnalysisRing(s.Length);
            for (var i = 0; i < s.Length; i++)
            {
                ring.Add(s.X[i], s.Y[i], s.Z[i]);
            }

            sway = SwayWindowMeasure.Measure(ring, from, to, s.Rate, 0);
        }

        return new BalanceTestResult
        {
            Kind = kind,
            SegmentSeconds = s.Seconds,
            HoldSeconds = holdEnd / s.Rate,
            BalanceLost = loss >= 0,
            Sway = sway,
        };
    }

    private static BalanceTestResult Chair(BalanceTestKind kind, TestSignal s)
    {
        // Seated at the start: flexions alternate rise, sit-down, rise, …
        var cycles = FlexionCycles.Find(s.AngleDeg);
        var rises = new List<double>();
        for (var k = 0; k < cycles.Count; k += 2)
        {
            rises.Add((cycles[k].End - cycles[k].Start) / s.Rate);
        }

        double? total = null;
        if (kind == BalanceTestKind.SitToStand5x && cycles.Count >= (2 * FiveTimes) - 1)
        {
            total = (cycles[(2 * FiveTimes) - 2].End - cycles[0].Start) / s.Rate;
        }

        return new BalanceTestResult
        {
            Kind = kind,
            SegmentSeconds = s.Seconds,
            Repetitions = rises.Count,
            RiseSeconds = rises,
            TotalSeconds = total,
        };
    }

    private static BalanceTestResult TimedUpAndGo(TestSignal s)
    {
        var cycles = FlexionCycles.Find(s.AngleDeg);
        if (cycles.Count < 2)
        {
            return new BalanceTestResult { Kind = BalanceTestKind.TimedUpAndGo, SegmentSeconds = s.Seconds };
        }

        var rise = cycles[0];
        var sit = cycles[^1];
        var walk = StepCount(s, rise.End, sit.Start);
        return new BalanceTestResult
        {
            Kind = BalanceTestKind.TimedUpAndGo,
            SegmentSeconds = s.Seconds,
            TotalSeconds = (sit.End - rise.Start) / s.Rate,
            Phases = new TugPhases((rise.End - rise.Start) / s.Rate, (sit.Start - rise.End) / s.Rate, (sit.End - sit.Start) / s.Rate),
            Steps = walk.Steps,
            CadenceSpm = walk.Cadence,
        };
    }

    private static BalanceTestResult Walk(BalanceTestKind kind, TestSignal s)
    {
        var walk = StepCount(s, 0, s.Length);
        return new BalanceTestResult
        {
            Kind = kind,
            SegmentSeconds = s.Seconds,
            Steps = walk.Steps,
            CadenceSpm = walk.Cadence,
            StepTimeCv = walk.Cv,
        };
    }

    /// <summary>Steps in [from, to): the step time from the autocorrelation, then one magnitude peak per step.</summary>
    private static (int Steps, double? Cadence, double? Cv) StepCount(TestSignal s, int from, int to)
    {
        var n = to - from;
        if (n < s.Rate * 2)
        {
            return (0, null, null);
        }

        var window = s.Magnitude.AsSpan(from, n);
        var gait = GaitAutocorrelation.Analyse(window, new float[n], s.Rate, new MobilityOptions { MinGaitStdG = 0.02f, MinStrideRegularity = 0.2f });
        if (!gait.Walking)
        {
            return (0, null, null);
        }

        double mean = 0, sq = 0;
        foreach (var v in window)
        {
            mean += v;
            sq += v * v;
        }

        mean /= n;
        var threshold = (float)(mean + (0.5 * Math.Sqrt(Math.Max(0, (sq / n) - (mean * mean)))));
        var timer = default(StepTimer);
        timer.ResetBout();
        var peaks = 0;
        var last = -1L;
        for (var i = 1; i < n - 1; i++)
        {
            if (window[i] > threshold && window[i] >= window[i - 1] && window[i] > window[i + 1] && (last < 0 || (i - last) / s.Rate >= 0.6f * gait.StepSeconds))
            {
                peaks++;
                last = i;
            }

            timer.Update(window[i], i + 1, s.Rate, gait.StepSeconds, threshold);
        }

        var cv = timer.CoefficientOfVariation;
        return (peaks, 60.0 / gait.StepSeconds, float.IsNaN(cv) ? null : cv);
    }
}
