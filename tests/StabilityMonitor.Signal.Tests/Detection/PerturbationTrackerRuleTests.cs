using System.Numerics;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Detection;

/// <summary>
/// When the tracker opens a candidate and where it puts the peak, on a stream of magnitudes at 50 Hz with the default
/// detector options: trigger 1.6 g, warm-up 1.5 s (75 samples), collect window 1 s (50 samples) after the trigger.
/// </summary>
public class PerturbationTrackerRuleTests
{
    private const int Rate = 50;

    private sealed record Reached(CandidateStage Stage, long Index, PerturbationFeatures Features);

    /// <summary>Runs upright 1 g samples with the given magnitudes (along Y) at given indices; returns every stage reached.</summary>
    private static List<Reached> Run(DetectorOptions options, int samples, params (int Index, float G)[] jolts)
    {
        var tracker = new PerturbationTracker(options, Rate);
        var ring = new SampleRing((int)Math.Ceiling(PerturbationTracker.HistorySeconds(options) * Rate) + 1);
        var reached = new List<Reached>();
        for (var i = 0; i < samples; i++)
        {
            var g = 1f;
            foreach (var (index, jolt) in jolts)
            {
                g = index == i ? jolt : g;
            }

            ring.Push(new AccelSample(0f, g, 0f));
            var stage = tracker.OnSample(ring, i, g, Vector3.UnitY, walking: false, out var features, out _);
            if (stage != CandidateStage.None)
            {
                reached.Add(new Reached(stage, i, features));
            }
        }

        return reached;
    }

    private static DetectorOptions Options() => new() { ProvisionalFalls = false };

    [Fact]
    public void MagnitudeAtTheTrigger_OpensACandidate_JustBelowItDoesNot()
    {
        var options = Options();

        var at = Run(options, 400, (100, options.TriggerG));
        Assert.Equal(new[] { CandidateStage.Early, CandidateStage.Final }, at.Select(r => r.Stage));
        Assert.All(at, r => Assert.Equal(100, r.Features.PeakIndex));

        Assert.Empty(Run(options, 400, (100, MathF.BitDecrement(options.TriggerG))));
    }

    [Fact]
    public void DuringWarmUp_NoCandidateOpens_FromItsEndOn()
    {
        // After a reset the extractor needs history: 1.5 s at 50 Hz is sample 75.
        var options = Options();

        Assert.Empty(Run(options, 400, (74, 3f)));
        var opened = Run(options, 400, (75, 3f));
        Assert.Equal(75, opened[0].Features.PeakIndex);
    }

    [Fact]
    public void LargerPeakWithinTheCollectWindow_BecomesThePeak_AfterItOpensItsOwnCandidate()
    {
        var options = Options();

        // Trigger at 100: the window runs to 100 + 50. A larger peak on its last sample is the candidate's peak.
        var within = Run(options, 500, (100, 2f), (150, 3f));
        Assert.Equal(new[] { CandidateStage.Early, CandidateStage.Final }, within.Select(r => r.Stage));
        Assert.All(within, r => Assert.Equal(150, r.Features.PeakIndex));
        Assert.Equal(3f, within[0].Features.PeakAccelG, 5);

        // One sample later it is a candidate of its own, and the first keeps its peak.
        var after = Run(options, 500, (100, 2f), (151, 3f));
        Assert.Equal(4, after.Count);
        Assert.Equal(new[] { 100L, 151L }, after.Where(r => r.Stage == CandidateStage.Early).Select(r => r.Features.PeakIndex));
    }

    [Fact]
    public void SmallerPeakWithinTheCollectWindow_LeavesThePeak()
    {
        var options = Options();

        var reached = Run(options, 500, (100, 3f), (120, 2f));

        Assert.Equal(2, reached.Count);
        Assert.All(reached, r => Assert.Equal(100, r.Features.PeakIndex));
    }

    [Fact]
    public void FallDecision_BeforeTheNearFallDecision_EachAfterItsDelayFromThePeak()
    {
        // Delays 1 s and 2.5 s after the peak, counted once the collect window (1 s) is over.
        var options = Options();

        var reached = Run(options, 500, (100, 3f));

        var early = Assert.Single(reached, r => r.Stage == CandidateStage.Early);
        var final = Assert.Single(reached, r => r.Stage == CandidateStage.Final);
        Assert.InRange(early.Index, 100 + Rate, 100 + Rate + 1);
        Assert.Equal(100 + (Rate * 5 / 2), final.Index);

        // The near-fall decision adds how the wearer moved on: the spread from 0.5 s after the peak (all 1 g here).
        Assert.Equal(0f, final.Features.PostLongStdG, 5);
    }

    [Fact]
    public void ProvisionalDecision_AtItsDelayAfterThePeak_OnlyWhenTurnedOn()
    {
        var on = new DetectorOptions();
        var reached = Run(on, 500, (100, 3f));

        var provisional = Assert.Single(reached, r => r.Stage == CandidateStage.Provisional);
        Assert.Equal(100 + (int)Math.Round(on.ProvisionalDelaySeconds * Rate), provisional.Index);
        Assert.True(provisional.Index < reached.Single(r => r.Stage == CandidateStage.Early).Index);

        Assert.DoesNotContain(Run(Options(), 500, (100, 3f)), r => r.Stage == CandidateStage.Provisional);
    }

    [Fact]
    public void HistorySeconds_CoversBaselineCollectAndTheLongerDecisionDelay()
    {
        // 3.5 s of baseline before the peak, the collect window, then the longer of the two delays.
        Assert.Equal(3.5f + 1f + 2.5f, PerturbationTracker.HistorySeconds(new DetectorOptions()), 5);
        Assert.Equal(3.5f + 2f + 4f, PerturbationTracker.HistorySeconds(new DetectorOptions { CollectSeconds = 2, DecisionDelaySeconds = 4, NearFallDecisionDelaySeconds = 3 }), 5);
    }

    [Fact]
    public void CandidateSlots_HeldOnlyWhileACandidateIsOpen_AndAgainAfterARestoreWithOneOpen()
    {
        // ~1.1 KB a wearable that most wearables need only now and then (issue 11: memory per wearable).
        var options = Options();
        var tracker = new PerturbationTracker(options, Rate);
        var ring = new SampleRing((int)Math.Ceiling(PerturbationTracker.HistorySeconds(options) * Rate) + 1);
        var held = new List<bool>();
        byte[]? whileOpen = null;
        var final = -1L;
        for (var i = 0; i < 500; i++)
        {
            var g = i == 100 ? 3f : 1f;
            ring.Push(new AccelSample(0f, g, 0f));
            if (tracker.OnSample(ring, i, g, Vector3.UnitY, walking: false, out _, out _) == CandidateStage.Final)
            {
                final = i;
            }

            held.Add(tracker.HoldsSlots);
            if (i == 120)
            {
                using var stream = new MemoryStream();
                using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                {
                    tracker.WriteState(writer);
                }

                whileOpen = stream.ToArray();
            }
        }

        Assert.True(final > 100);
        Assert.All(held.Take(100), static h => Assert.False(h));
        Assert.All(held.Skip(100).Take((int)(final - 100)), static h => Assert.True(h));
        Assert.All(held.Skip((int)final), static h => Assert.False(h));

        // The state of a tracker holding none reads as free slots, and one written with a candidate open holds them again.
        var idle = new PerturbationTracker(options, Rate);
        using (var reader = new BinaryReader(new MemoryStream(Write(tracker))))
        {
            idle.ReadState(reader);
        }

        Assert.False(idle.HoldsSlots);
        Assert.Equal(Write(new PerturbationTracker(options, Rate)), Write(idle));
        var restored = new PerturbationTracker(options, Rate);
        using (var reader = new BinaryReader(new MemoryStream(whileOpen!)))
        {
            restored.ReadState(reader);
        }

        Assert.True(restored.HoldsSlots);
        Assert.Equal(whileOpen, Write(restored));
    }

    private static byte[] Write(PerturbationTracker tracker)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            tracker.WriteState(writer);
        }

        return stream.ToArray();
    }
}
