using System.Numerics;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Processing;

/// <summary>
/// The AP learner on its own, with up = device Y and the configured AP = device Z: the scatter it sums (a plain mean of
/// the horizontal outer products until 60 s of walking, then an exponential average with that memory), when it decides
/// (enough walking, an elongated scatter), and which sign it keeps.
/// </summary>
public class ApDirectionLearnerTests
{
    private static readonly Vector3 s_up = Vector3.UnitY;
    private static readonly Vector3 s_configured = Vector3.UnitZ;

    /// <summary>Four samples, 0.25 s each: ±1 g along <paramref name="major"/> and ±0.5 g along <paramref name="minor"/>.</summary>
    private static void Stride(ref ApDirectionLearner learner, Vector3 major, Vector3 minor, double learnSeconds = 1, float minAnisotropy = 2f)
    {
        foreach (var v in (ReadOnlySpan<Vector3>)[major, -major, 0.5f * minor, -0.5f * minor])
        {
            learner.Add(v, s_up, s_configured, 0.25, learnSeconds, minAnisotropy);
        }
    }

    [Fact]
    public void Principal_OfAMeanScatter_IsItsLargerAndSmallerVariance_AndTheLargerDirection()
    {
        // Mean of the outer products: 0.5 along X, 0.125 along Z; the vertical part (Y) is left out.
        var learner = default(ApDirectionLearner);
        Stride(ref learner, Vector3.UnitX + (3 * Vector3.UnitY), Vector3.UnitZ, learnSeconds: 100);

        var (major, minor, direction) = learner.Principal(s_up, s_configured);

        Assert.Equal(0.5, major, 6);
        Assert.Equal(0.125, minor, 6);
        Assert.Equal(1f, MathF.Abs(direction.X), 5);
        Assert.Equal(1.0, learner.WalkedSeconds, 9);
        Assert.False(learner.Learned);
        Assert.Equal(s_configured, learner.Axis(s_configured));
    }

    [Fact]
    public void Learns_OnceTheLearningTimeIsWalked_NotASampleBefore()
    {
        var learner = default(ApDirectionLearner);
        var samples = new[] { Vector3.UnitX, -Vector3.UnitX, 0.5f * Vector3.UnitZ, -0.5f * Vector3.UnitZ };
        for (var i = 0; i < 3; i++)
        {
            learner.Add(samples[i], s_up, s_configured, 0.25, 1, 2f);
            Assert.False(learner.Learned);
        }

        learner.Add(samples[3], s_up, s_configured, 0.25, 1, 2f);
        Assert.True(learner.Learned);
        Assert.Equal(1f, MathF.Abs(learner.Axis(s_configured).X), 5);
    }

    [Theory]
    [InlineData(4f, true)]
    [InlineData(4.01f, false)]
    public void Learns_OnlyWhenTheScatterIsAtLeastTheAnisotropyElongated(float minAnisotropy, bool learned)
    {
        // Variances 0.5 and 0.125: elongated exactly 4 times.
        var learner = default(ApDirectionLearner);
        Stride(ref learner, Vector3.UnitX, Vector3.UnitZ, minAnisotropy: minAnisotropy);

        Assert.Equal(learned, learner.Learned);
    }

    [Fact]
    public void NoHorizontalMovement_NothingLearned()
    {
        var learner = default(ApDirectionLearner);
        for (var i = 0; i < 8; i++)
        {
            learner.Add(Vector3.UnitY * (i % 2 == 0 ? 1f : -1f), s_up, s_configured, 0.25, 1, 2f);
        }

        Assert.False(learner.Learned);
        Assert.Equal(s_configured, learner.Axis(s_configured));
    }

    [Fact]
    public void AfterSixtySecondsOfWalking_NewSamplesWeighTheirShareOfSixtySeconds()
    {
        // 60 s of ±1 g along X (variance 1), then 6 s still: the variance falls by 6/60 to 0.9, where a plain mean over
        // 66 s would give 60/66.
        var learner = default(ApDirectionLearner);
        for (var i = 0; i < 240; i++)
        {
            learner.Add(i % 2 == 0 ? Vector3.UnitX : -Vector3.UnitX, s_up, s_configured, 0.25, 1, 2f);
        }

        Assert.Equal(1.0, learner.Principal(s_up, s_configured).Major, 6);
        learner.Add(Vector3.Zero, s_up, s_configured, 6, 1, 2f);

        Assert.Equal(0.9, learner.Principal(s_up, s_configured).Major, 6);
        Assert.Equal(66, learner.WalkedSeconds, 9);
    }

    [Fact]
    public void LongerLearningTime_IsAlsoTheMemory()
    {
        // Learning over 100 s: the mean stays plain until 100 s, so 6 s still after 100 s of variance 1 give 0.94.
        var learner = default(ApDirectionLearner);
        for (var i = 0; i < 400; i++)
        {
            learner.Add(i % 2 == 0 ? Vector3.UnitX : -Vector3.UnitX, s_up, s_configured, 0.25, 100, 2f);
        }

        learner.Add(Vector3.Zero, s_up, s_configured, 6, 100, 2f);

        Assert.Equal(0.94, learner.Principal(s_up, s_configured).Major, 6);
    }

    [Fact]
    public void Sign_FirstNearestTheConfiguredAxis_ThenNearestTheDirectionInUse()
    {
        static Vector3 At(float degrees) => new(MathF.Sin(degrees * MathF.PI / 180), 0f, MathF.Cos(degrees * MathF.PI / 180));

        // Walking at 150° from the configured Z: the learned axis is the one of ±(that direction) nearer Z, i.e. at -30°.
        var learner = default(ApDirectionLearner);
        Stride(ref learner, At(150), At(60));
        Assert.True(learner.Learned);
        var first = learner.Axis(s_configured);
        Assert.Equal(1f, Vector3.Dot(first, -At(150)), 4);

        // The device turns: walking now at 80°, plenty of it. Z would pick +80°; the axis in use (-30°) picks -80°, and
        // the axis follows the turn without flipping.
        for (var i = 0; i < 20; i++)
        {
            Stride(ref learner, At(80), At(170));
        }

        var turned = learner.Axis(s_configured);
        Assert.True(Vector3.Dot(turned, At(80)) < -0.9f, $"axis {turned} flipped");
    }

    [Fact]
    public void AtFiftyHertz_EstimatesEveryFifthOfASecond_AndRefreshCatchesUpWithTheLastSamples()
    {
        // A learned direction, then walking at 60° with 0.02 s samples: the direction moves at 0.2 s marks only.
        static Vector3 At(float degrees) => new(MathF.Sin(degrees * MathF.PI / 180), 0f, MathF.Cos(degrees * MathF.PI / 180));
        var learner = default(ApDirectionLearner);
        Stride(ref learner, Vector3.UnitZ, Vector3.UnitX);
        Assert.True(learner.Learned);

        var changes = 0;
        var previous = learner.Axis(s_configured);
        for (var i = 0; i < 55; i++)
        {
            learner.Add((i % 2 == 0 ? 1f : -1f) * At(60), s_up, s_configured, 0.02, 1, 2f);
            var axis = learner.Axis(s_configured);
            changes += axis == previous ? 0 : 1;
            previous = axis;
        }

        // 1.1 s of walking from 1 s: estimates at the 1.2, 1.4, 1.6, 1.8 and 2.0 s marks.
        Assert.Equal(5, changes);

        learner.Add(At(60), s_up, s_configured, 0.02, 1, 2f);
        var held = learner.Axis(s_configured);
        learner.Refresh(s_up, s_configured, 1, 2f);
        var estimate = learner.Principal(s_up, s_configured).Direction;
        var refreshed = learner.Axis(s_configured);
        Assert.NotEqual(held, refreshed);
        Assert.True(Vector3.Distance(refreshed, Vector3.Dot(refreshed, estimate) < 0 ? -estimate : estimate) < 1e-6f);

        // Nothing added since: a second refresh changes nothing.
        learner.Refresh(s_up, s_configured, 1, 2f);
        Assert.Equal(refreshed, learner.Axis(s_configured));
    }

    [Fact]
    public void Clear_ForgetsTheDirectionAndTheWalking()
    {
        var learner = default(ApDirectionLearner);
        Stride(ref learner, Vector3.UnitX, Vector3.UnitZ);
        Assert.True(learner.Learned);

        learner.Clear();

        Assert.False(learner.Learned);
        Assert.Equal(0, learner.WalkedSeconds);
        Assert.Equal(0, learner.Principal(s_up, s_configured).Major);
    }

    [Theory]
    [InlineData(1f, 1f, 0f, 1f, 0f, 0f)]
    [InlineData(0f, 2f, 0f, 0f, 0f, -1f)]
    [InlineData(0.0005f, 1f, 0f, 0f, 0f, -1f)]
    [InlineData(0.01f, 1f, 0f, 1f, 0f, 0f)]
    public void Horizontal_NearestUnitDirection_DeviceXTurnedHorizontalWhenVertical(float x, float y, float z, float hx, float hy, float hz)
    {
        var h = ApDirectionLearner.Horizontal(new Vector3(x, y, z), s_up);

        Assert.Equal(hx, h.X, 5);
        Assert.Equal(hy, h.Y, 5);
        Assert.Equal(hz, h.Z, 5);
    }

    [Fact]
    public void State_RoundTrips_AndRefusesNegativeWalkingOrALearnedAxisNotOfUnitLength()
    {
        var learner = default(ApDirectionLearner);
        Stride(ref learner, Vector3.UnitX, Vector3.UnitZ);
        var bytes = Write(learner);
        var restored = ApDirectionLearner.ReadState(new BinaryReader(new MemoryStream(bytes)));
        Assert.True(restored.Learned);
        Assert.Equal(learner.Axis(s_configured), restored.Axis(s_configured));
        Assert.Equal(learner.Principal(s_up, s_configured), restored.Principal(s_up, s_configured));
        Assert.Equal(learner.WalkedSeconds, restored.WalkedSeconds);

        // Six sums, then the walked time, then the axis (three floats), then Learned.
        var negative = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(negative.AsSpan(6 * 8), -0.5);
        Assert.Throws<InvalidDataException>(() => ApDirectionLearner.ReadState(new BinaryReader(new MemoryStream(negative))));

        var nan = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(nan.AsSpan(6 * 8), double.NaN);
        Assert.Throws<InvalidDataException>(() => ApDirectionLearner.ReadState(new BinaryReader(new MemoryStream(nan))));

        var longAxis = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(longAxis.AsSpan(7 * 8), 1.01f);
        BitConverter.TryWriteBytes(longAxis.AsSpan((7 * 8) + 4), 0f);
        BitConverter.TryWriteBytes(longAxis.AsSpan((7 * 8) + 8), 0f);
        Assert.Throws<InvalidDataException>(() => ApDirectionLearner.ReadState(new BinaryReader(new MemoryStream(longAxis))));

        // Within 1e-3 of unit length is accepted; not learned, the axis is not checked.
        var nearUnit = (byte[])longAxis.Clone();
        BitConverter.TryWriteBytes(nearUnit.AsSpan(7 * 8), 1.0005f);
        Assert.True(ApDirectionLearner.ReadState(new BinaryReader(new MemoryStream(nearUnit))).Learned);
        var notLearned = (byte[])longAxis.Clone();
        notLearned[^1] = 0;
        Assert.False(ApDirectionLearner.ReadState(new BinaryReader(new MemoryStream(notLearned))).Learned);
    }

    private static byte[] Write(ApDirectionLearner learner)
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            learner.WriteState(writer);
        }

        return stream.ToArray();
    }
}
