namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// The parked states of evicted devices on their own (mutation testing found re-parking, the bound of 0, putting a
/// state back and the order unguarded).
/// </summary>
public class ParkedDevicesTests
{
    [Fact]
    public void Park_SameDeviceAgain_KeepsOnlyTheNewestStateAsTheNewest()
    {
        var parked = new ParkedDevices();
        parked.Park("a", [1], max: 4);
        parked.Park("b", [2], max: 4);

        parked.Park("a", [3], max: 4);

        Assert.Equal(2, parked.Count);
        Assert.Equal([("b", 2), ("a", 3)], Order(parked));
    }

    [Fact]
    public void Park_BeyondTheBound_DropsTheOldest()
    {
        var parked = new ParkedDevices();
        parked.Park("a", [1], max: 2);
        parked.Park("b", [2], max: 2);

        parked.Park("c", [3], max: 2);

        Assert.Equal([("b", 2), ("c", 3)], Order(parked));
    }

    [Fact]
    public void Park_BoundZero_KeepsNothing()
    {
        var parked = new ParkedDevices();
        parked.Park("a", [1], max: 3);

        parked.Park("b", [2], max: 0);

        Assert.Equal(0, parked.Count);
        Assert.False(parked.TryTake("b", out _, out _));
    }

    [Fact]
    public void PutBack_AfterTake_ComesBackAsTheOldest()
    {
        var parked = new ParkedDevices();
        parked.Park("a", [1], max: 4);
        parked.Park("b", [2], max: 4);
        Assert.True(parked.TryTake("b", out var key, out var state));

        parked.PutBack(key, state);

        Assert.Equal([("b", 2), ("a", 1)], Order(parked));
    }

    [Fact]
    public void TryTake_Unknown_ReturnsNothingAndKeepsTheRest()
    {
        var parked = new ParkedDevices();
        parked.Park("a", [1], max: 4);

        Assert.False(parked.TryTake("zz".AsSpan(), out var key, out var state));

        Assert.Equal(string.Empty, key);
        Assert.Empty(state);
        Assert.True(parked.TryTake("a".AsSpan(), out key, out state));
        Assert.Equal("a", key);
        Assert.Equal([(byte)1], state);
        Assert.Equal(0, parked.Count);
    }

    private static List<(string, int)> Order(ParkedDevices parked) => [.. parked.InOrder().Select(static p => (p.Id, (int)p.State[0]))];
}
