using StabilityMonitor.Simulation;

namespace StabilityMonitor.Pipeline.Tests;

public sealed class WardRoutineTests
{
    [Fact]
    public void StumbleEveryNthWalk_Two_FirstAndEveryOtherWalkStumbleEvenWhenUnlikely()
    {
        var routine = new WardRoutine { NearFallProbability = 0.0001, FallProbability = 0, StumbleEveryNthWalk = 2 };
        var random = new Random(7);
        var walksWithStumble = new List<bool>();
        var segments = Enumerable.Range(0, 60).Select(_ => routine.Next(random)).ToList();
        var walk = 0;
        for (var i = 0; i < segments.Count && walk < 8; i++)
        {
            if (segments[i].Kind != MotionKind.Walk || (i > 0 && segments[i - 1].Kind == MotionKind.Stumble))
            {
                continue;
            }

            walk++;
            walksWithStumble.Add(i + 1 < segments.Count && segments[i + 1].Kind == MotionKind.Stumble);
        }

        Assert.Equal([true, false, true, false, true, false, true, false], walksWithStumble);
        Assert.DoesNotContain(segments, static s => s.Kind == MotionKind.Fall);
    }

    [Fact]
    public void StumbleEveryNthWalk_Off_NoStumbleAtZeroProbability()
    {
        var routine = new WardRoutine { NearFallProbability = 0, FallProbability = 0 };
        var random = new Random(7);
        Assert.DoesNotContain(Enumerable.Range(0, 60).Select(_ => routine.Next(random)), static s => s.Kind == MotionKind.Stumble);
    }
}
