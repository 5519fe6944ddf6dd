namespace StabilityMonitor.Signal.Tests;

/// <summary>
/// Saturating device-time arithmetic: in range it is plain + and −; past either end of <see cref="long"/> it stops at
/// the end instead of wrapping, whichever operand carries it there.
/// </summary>
public class DeviceTimeMathTests
{
    [Theory]
    [InlineData(5L, 7L, 12L)]
    [InlineData(-5L, 7L, 2L)]
    [InlineData(5L, -7L, -2L)]
    [InlineData(long.MaxValue - 1, 1L, long.MaxValue)]
    [InlineData(long.MinValue + 1, -1L, long.MinValue)]
    [InlineData(long.MaxValue, long.MinValue, -1L)]
    [InlineData(long.MaxValue, 1L, long.MaxValue)]
    [InlineData(1L, long.MaxValue, long.MaxValue)]
    [InlineData(long.MaxValue, long.MaxValue, long.MaxValue)]
    [InlineData(long.MinValue, -1L, long.MinValue)]
    [InlineData(-1L, long.MinValue, long.MinValue)]
    [InlineData(long.MinValue, long.MinValue, long.MinValue)]
    public void Add_SaturatesAtEitherEnd(long a, long b, long expected) => Assert.Equal(expected, DeviceTimeMath.Add(a, b));

    [Theory]
    [InlineData(7L, 5L, 2L)]
    [InlineData(5L, 7L, -2L)]
    [InlineData(-5L, -7L, 2L)]
    [InlineData(long.MaxValue, 1L, long.MaxValue - 1)]
    [InlineData(long.MinValue, -1L, long.MinValue + 1)]
    [InlineData(-1L, long.MaxValue, long.MinValue)]
    [InlineData(long.MaxValue, -1L, long.MaxValue)]
    [InlineData(0L, long.MinValue, long.MaxValue)]
    [InlineData(long.MinValue, 1L, long.MinValue)]
    [InlineData(long.MaxValue, long.MinValue, long.MaxValue)]
    [InlineData(long.MinValue, long.MaxValue, long.MinValue)]
    public void Subtract_SaturatesAtEitherEnd(long a, long b, long expected) => Assert.Equal(expected, DeviceTimeMath.Subtract(a, b));

    [Theory]
    [InlineData(3L, 10L, 7UL)]
    [InlineData(10L, 3L, 7UL)]
    [InlineData(4L, 4L, 0UL)]
    [InlineData(long.MinValue, long.MaxValue, ulong.MaxValue)]
    [InlineData(long.MaxValue, long.MinValue, ulong.MaxValue)]
    [InlineData(-1L, 1L, 2UL)]
    public void Distance_IsTheAbsoluteDifference_EvenAcrossTheWholeRange(long a, long b, ulong expected) =>
        Assert.Equal(expected, DeviceTimeMath.Distance(a, b));

    [Theory]
    [InlineData(0L, 10L, 9L, true)]
    [InlineData(0L, 10L, 10L, false)]
    [InlineData(10L, 0L, 9L, true)]
    [InlineData(10L, 0L, 10L, false)]
    [InlineData(5L, 5L, 0L, false)]
    [InlineData(5L, 5L, -1L, true)]
    [InlineData(long.MinValue, long.MaxValue, long.MaxValue, true)]
    public void FartherThan_StrictlyMoreThanTheLimit_ANegativeLimitAlways(long a, long b, long limit, bool expected) =>
        Assert.Equal(expected, DeviceTimeMath.FartherThan(a, b, limit));
}
