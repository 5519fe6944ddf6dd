namespace StabilityMonitor.Signal.Tests;

public class SmokeTests
{
    [Fact]
    public void AccelSample_Magnitude_IsEuclideanNorm() => Assert.Equal(5f, new AccelSample(3f, 4f, 0f).Magnitude, 5);
}
