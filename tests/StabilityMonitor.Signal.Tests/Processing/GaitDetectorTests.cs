using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Processing;

/// <summary>
/// Walking as the gait detector sees it: the dynamic magnitude crosses its mean upwards once per step, every
/// 0.35–0.85 s; three regular steps in a row make walking, which lasts while a step is recent (within 1.5 times the
/// longest step). Square steps of ±0.1 g at 100 Hz, well past the 0.04 g hysteresis.
/// </summary>
public class GaitDetectorTests
{
    private const int Rate = 100;
    private const int First = 10;

    /// <summary>Steps of <paramref name="period"/> samples from sample 10 on; returns the detector's call per sample.</summary>
    private static bool[] Steps(int period, int steps, int samples, GaitDetector gait = default)
    {
        var walking = new bool[samples];
        for (var i = 0; i < samples; i++)
        {
            var inStep = i >= First && i < First + (steps * period);
            var dynamic = inStep ? ((i - First) % period < period / 2 ? 0.1f : -0.1f) : 0f;
            walking[i] = gait.Update(dynamic, i, Rate);
        }

        return walking;
    }

    [Theory]
    [InlineData(40)]
    [InlineData(50)]
    [InlineData(80)]
    public void RegularSteps_WalkingFromTheThirdRegularStep(int period)
    {
        // The first crossing starts the count; crossings two to four are the three regular steps.
        var walking = Steps(period, 10, First + (10 * period));

        var fourthCrossing = First + (3 * period);
        Assert.All(walking[..fourthCrossing], w => Assert.False(w));
        Assert.All(walking[fourthCrossing..], w => Assert.True(w));
    }

    [Theory]
    [InlineData(30)]
    [InlineData(90)]
    [InlineData(120)]
    public void StepsTooQuickOrTooSlow_NotWalking(int period) =>
        Assert.DoesNotContain(true, Steps(period, 12, First + (12 * period)));

    [Theory]
    [InlineData(35)]
    [InlineData(85)]
    public void StepsAtTheLimitsOfTheRange_Walking(int period) =>
        Assert.Contains(true, Steps(period, 10, First + (10 * period)));

    [Fact]
    public void AfterTheLastStep_WalkingWhileItIsRecent()
    {
        // Last upward crossing at First + 9 × 50; the longest step is 0.85 s, so 1.2 s later it is recent, 1.3 s not.
        var walking = Steps(50, 10, 800);
        var lastCrossing = First + (9 * 50);

        Assert.True(walking[lastCrossing + 120]);
        Assert.False(walking[lastCrossing + 130]);
    }

    [Fact]
    public void OneIrregularStep_StartsTheCountAgain()
    {
        var gait = default(GaitDetector);
        var walking = new List<bool>();
        var index = 0L;

        void Step(int period)
        {
            for (var k = 0; k < period; k++, index++)
            {
                walking.Add(gait.Update(k < period / 2 ? 0.1f : -0.1f, index + First, Rate));
            }
        }

        for (var s = 0; s < 5; s++)
        {
            Step(50);
        }

        Assert.True(walking[^1]);

        // A stop of 1.1 s between two steps is no step of a walk: not walking again until three regular steps.
        Step(110);
        var afterPause = walking.Count;
        Step(50);
        Step(50);
        Assert.DoesNotContain(true, walking.Skip(afterPause));
        Step(50);
        Step(50);
        Assert.True(walking[^1]);
    }

    [Fact]
    public void AfterALongPause_TheStepTimeComesBackAsAnAverage_WalkingFromTheFifthRegularStep()
    {
        // A first crossing, one 2 s later, then steps of 0.5 s. The step time starts at 2 s and moves 30 % of the way
        // to each new step: 1.55, 1.235, 1.0145, 0.860, 0.752 s. Three regular steps come at the fourth crossing, but
        // the step time is in the range only from the fifth regular step, the seventh crossing.
        int[] crossings = [First, First + 200, .. Enumerable.Range(1, 6).Select(k => First + 200 + (k * 50))];
        var gait = default(GaitDetector);
        var walking = new bool[crossings[^1] + 1];
        for (var i = 0; i < walking.Length; i++)
        {
            var sinceCrossing = crossings.Where(c => c <= i).Select(c => i - c).DefaultIfEmpty(int.MaxValue).Min();
            var dynamic = sinceCrossing < 10 ? 0.1f : sinceCrossing < 20 ? -0.1f : 0f;
            walking[i] = gait.Update(dynamic, i, Rate);
        }

        Assert.DoesNotContain(true, walking[..crossings[6]]);
        Assert.True(walking[crossings[6]]);
    }

    [Fact]
    public void Reset_ForgetsTheSteps()
    {
        var gait = default(GaitDetector);
        for (var i = 0; i < 300; i++)
        {
            gait.Update((i - First) % 50 < 25 ? 0.1f : -0.1f, i + First, Rate);
        }

        Assert.True(gait.Update(0.1f, 300 + First, Rate));
        gait.Reset();
        Assert.False(gait.Update(0.1f, 301 + First, Rate));
    }

    [Fact]
    public void State_RoundTrips_AndARegularStepCountAbove8Throws()
    {
        var gait = default(GaitDetector);
        for (var i = 0; i < 260; i++)
        {
            gait.Update(i % 50 < 25 ? 0.1f : -0.1f, i + First, Rate);
        }

        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            gait.WriteState(writer);
        }

        stream.Position = 0;
        var restored = GaitDetector.ReadState(new BinaryReader(stream));
        for (var i = 260; i < 600; i++)
        {
            var dynamic = i % 50 < 25 ? 0.1f : -0.1f;
            Assert.Equal(gait.Update(dynamic, i + First, Rate), restored.Update(dynamic, i + First, Rate));
        }

        var bad = new MemoryStream();
        using (var writer = new BinaryWriter(bad, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(false);
            writer.Write(0L);
            writer.Write(0.5f);
            writer.Write(9);
        }

        bad.Position = 0;
        Assert.Throws<InvalidDataException>(() => GaitDetector.ReadState(new BinaryReader(bad)));
    }
}
