using StabilityMonitor.Signal;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>Saturating device-time arithmetic at the ends of the 64-bit range.</summary>
public class DeviceTimeMathTests
{
    [Theory]
    [InlineData(long.MaxValue, 1, long.MaxValue)]
    [InlineData(long.MinValue, -1, long.MinValue)]
    [InlineData(long.MaxValue, long.MinValue, -1)]
    [InlineData(1_700_000_000_000_000, 500_000, 1_700_000_000_500_000)]
    public void Add_AtTheEnds_Saturates(long a, long b, long expected) => Assert.Equal(expected, DeviceTimeMath.Add(a, b));

    [Theory]
    [InlineData(long.MinValue, 1, long.MinValue)]
    [InlineData(long.MaxValue, -1, long.MaxValue)]
    [InlineData(0, long.MinValue, long.MaxValue)]
    [InlineData(-1, long.MinValue, long.MaxValue)]
    [InlineData(1_700_000_001_000_000, 1_700_000_000_000_000, 1_000_000)]
    public void Subtract_AtTheEnds_Saturates(long a, long b, long expected) => Assert.Equal(expected, DeviceTimeMath.Subtract(a, b));

    [Theory]
    [InlineData(long.MinValue, long.MaxValue, ulong.MaxValue)]
    [InlineData(long.MaxValue, long.MinValue, ulong.MaxValue)]
    [InlineData(long.MinValue, 0, 9_223_372_036_854_775_808)]
    [InlineData(5, 3, 2)]
    [InlineData(3, 5, 2)]
    public void Distance_AnyPair_IsExact(long a, long b, ulong expected) => Assert.Equal(expected, DeviceTimeMath.Distance(a, b));
}
