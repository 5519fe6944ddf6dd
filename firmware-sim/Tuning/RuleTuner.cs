using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.FirmwareSim.Tuning;

/// <summary>
/// Chooses <see cref="ClassifierOptions"/> by grid search on labelled trials. Falls first (impact,
/// lying, tilt change: fall sensitivity + specificity against fall alarms), then near-falls given the
/// fall rule (near-fall sensitivity + specificity against any alarm). Among the settings that score
/// best it takes the one in the middle of that plateau, not at its edge: thresholds at the edge of
/// what the development data allows are the ones that break on people the tuner never saw.
/// </summary>
internal static class RuleTuner
{
    private static readonly float[] FallPeaks = [1.6f, 1.8f, 2.0f, 2.2f, 2.4f, 2.7f, 3.0f];
    private static readonly float[] FallLying = [40f, 45f, 50f, 55f, 60f, 65f, 70f];
    private static readonly float[] FallChange = [35f, 40f, 45f, 50f, 55f, 60f, 65f];
    private static readonly float[] NearPeaks = [1.8f, 2.0f, 2.2f, 2.5f];
    private static readonly float[] GaitMin = [0.06f, 0.08f, 0.10f, 0.12f];
    private static readonly float[] GaitMax = [0.35f, 0.45f, 0.6f, 0.8f];
    private static readonly float[] Energy = [2f, 3f, 4f, 5f, 6f];
    private static readonly float[] MinHorizontal = [1.0f, 1.25f, 1.5f, 1.75f];
    private static readonly float[] HorizontalOverVertical = [0.7f, 0.8f, 0.9f, 1.0f];
    private static readonly float[] Recovered = [0.05f, 0.08f, 0.10f, 0.15f];
    private static readonly float[] RecoveredMax = [0.35f, 0.4f, 0.45f, 0.5f, 0.6f, 0.8f, 100f];

    public static ClassifierOptions Tune(IReadOnlyList<TrialCandidates> trials, ClassifierOptions? start = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var options = (start ?? new ClassifierOptions()).Clone();

        var fallAxes = new[] { FallPeaks, FallLying, FallChange };
        var fallBest = Search(fallAxes, values =>
        {
            options.FallPeakG = values[0];
            options.FallLyingDeg = values[1];
            options.FallTiltChangeDeg = values[2];
            var o = Evaluate(trials, options, nearFalls: false);
            return o.FallSensitivity + o.Specificity;
        });
        options.FallPeakG = FallPeaks[fallBest[0]];
        options.FallLyingDeg = FallLying[fallBest[1]];
        options.FallTiltChangeDeg = FallChange[fallBest[2]];

        var nearAxes = new[] { NearPeaks, GaitMin, GaitMax, Energy, MinHorizontal, HorizontalOverVertical, Recovered, RecoveredMax };
        var nearBest = Search(nearAxes, values =>
        {
            Apply(options, values);
            var o = Evaluate(trials, options, nearFalls: true);
            return o.NearFallSensitivity + o.Specificity;
        });
        Apply(options, [.. nearBest.Select((index, axis) => nearAxes[axis][index])]);
        return options;
    }

    public static TrialOutcome Evaluate(IReadOnlyList<TrialCandidates> trials, ClassifierOptions options, bool nearFalls = true)
    {
        ArgumentNullException.ThrowIfNull(trials);
        int falls = 0, fallsDetected = 0, near = 0, nearDetected = 0, adl = 0, adlAlarm = 0;
        foreach (var trial in trials)
        {
            var anyFall = false;
            var anyNear = false;
            foreach (var f in trial.Candidates)
            {
                if (PerturbationClassifier.IsFall(f, options))
                {
                    anyFall = true;
                }
                else if (nearFalls && PerturbationClassifier.IsNearFall(f, options))
                {
                    anyNear = true;
                }
            }

            switch (trial.Recording.Kind)
            {
                case TrialKind.Fall:
                    falls++;
                    fallsDetected += anyFall ? 1 : 0;
                    break;
                case TrialKind.NearFall:
                    near++;
                    nearDetected += anyNear && !anyFall ? 1 : 0;
                    break;
                default:
                    adl++;
                    adlAlarm += anyFall || anyNear ? 1 : 0;
                    break;
            }
        }

        return new TrialOutcome(falls, fallsDetected, near, nearDetected, adl, adlAlarm);
    }

    // One set for whatever rates the trials are at, written into every rate band alike, so trials in any band are
    // tuned through the fields that apply to them (tune --rates 50 and --rates 25 give the mid- and low-rate defaults).
    private static void Apply(ClassifierOptions options, float[] values)
    {
        options.NearFallPeakG = options.MidRateNearFallPeakG = options.LowRateNearFallPeakG = values[0];
        options.NearFallGaitMinStdG = values[1];
        options.NearFallGaitMaxStdG = values[2];
        options.NearFallEnergyRatio = options.MidRateNearFallEnergyRatio = options.LowRateNearFallEnergyRatio = values[3];
        options.NearFallMinHorizontalG = options.MidRateNearFallMinHorizontalG = options.LowRateNearFallMinHorizontalG = values[4];
        options.NearFallHorizontalOverVertical = options.MidRateNearFallHorizontalOverVertical = options.LowRateNearFallHorizontalOverVertical = values[5];
        options.NearFallRecoveredMinStdG = values[6];
        options.NearFallRecoveredMaxStdG = options.MidRateNearFallRecoveredMaxStdG = options.LowRateNearFallRecoveredMaxStdG = values[7];
    }

    /// <summary>Exhaustive search; returns the indices of the best setting nearest the plateau's centre.</summary>
    private static int[] Search(float[][] axes, Func<float[], double> score)
    {
        var best = double.MinValue;
        var optimal = new List<int[]>();
        var index = new int[axes.Length];
        var values = new float[axes.Length];
        while (true)
        {
            for (var a = 0; a < axes.Length; a++)
            {
                values[a] = axes[a][index[a]];
            }

            var s = score(values);
            if (s > best + 1e-9)
            {
                best = s;
                optimal.Clear();
            }

            if (s > best - 1e-9)
            {
                optimal.Add((int[])index.Clone());
            }

            var axis = 0;
            while (axis < axes.Length && ++index[axis] == axes[axis].Length)
            {
                index[axis++] = 0;
            }

            if (axis == axes.Length)
            {
                break;
            }
        }

        var centre = Enumerable.Range(0, axes.Length)
            .Select(a => optimal.Select(o => (double)o[a]).Order().ElementAt(optimal.Count / 2))
            .ToArray();
        return optimal.MinBy(o => o.Select((v, a) => Math.Abs(v - centre[a]) / axes[a].Length).Sum())!;
    }
}
