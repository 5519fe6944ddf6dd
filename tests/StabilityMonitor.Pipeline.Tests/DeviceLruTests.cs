using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// The recency list on its own: order, count and moves between two lists (mutation testing found the count and the
/// early return for the newest device unguarded; eviction relies on both).
/// </summary>
public class DeviceLruTests
{
    [Fact]
    public void MoveToNewest_InOrder_OldestIsTheFirstAndCountGrows()
    {
        var lru = new DeviceLru();
        var (a, b, c) = (Device("a"), Device("b"), Device("c"));

        lru.MoveToNewest(a);
        lru.MoveToNewest(b);
        lru.MoveToNewest(c);

        Assert.Equal(3, lru.Count);
        Assert.Equal(["a", "b", "c"], Walk(lru));
    }

    [Fact]
    public void MoveToNewest_TheNewestAgain_ChangesNothing()
    {
        var lru = new DeviceLru();
        var (a, b) = (Device("a"), Device("b"));
        lru.MoveToNewest(a);
        lru.MoveToNewest(b);

        lru.MoveToNewest(b);

        Assert.Equal(2, lru.Count);
        Assert.Equal(["a", "b"], Walk(lru));
    }

    [Fact]
    public void MoveToNewest_AnOlderOne_GoesToTheEndWithoutCountingTwice()
    {
        var lru = new DeviceLru();
        var (a, b, c) = (Device("a"), Device("b"), Device("c"));
        lru.MoveToNewest(a);
        lru.MoveToNewest(b);
        lru.MoveToNewest(c);

        lru.MoveToNewest(a);
        lru.MoveToNewest(b);

        Assert.Equal(3, lru.Count);
        Assert.Equal(["c", "a", "b"], Walk(lru));
    }

    [Fact]
    public void Remove_FirstMiddleLast_KeepsTheLinksAndTheCount()
    {
        var lru = new DeviceLru();
        var devices = new[] { Device("a"), Device("b"), Device("c"), Device("d") };
        foreach (var d in devices)
        {
            lru.MoveToNewest(d);
        }

        lru.Remove(devices[1]);
        Assert.Equal(["a", "c", "d"], Walk(lru));
        lru.Remove(devices[0]);
        Assert.Equal(["c", "d"], Walk(lru));
        lru.Remove(devices[3]);
        Assert.Equal(["c"], Walk(lru));
        Assert.Equal(1, lru.Count);
        Assert.Null(devices[1].Lru);

        // Removing one that is not in the list changes nothing.
        lru.Remove(devices[1]);
        Assert.Equal(1, lru.Count);

        lru.Remove(devices[2]);
        Assert.Equal(0, lru.Count);
        Assert.Null(lru.Oldest);
    }

    [Fact]
    public void MoveToNewest_FromAnotherList_LeavesThatList()
    {
        var probation = new DeviceLru();
        var established = new DeviceLru();
        var (a, b) = (Device("a"), Device("b"));
        probation.MoveToNewest(a);
        probation.MoveToNewest(b);

        established.MoveToNewest(a);

        Assert.Equal(["b"], Walk(probation));
        Assert.Equal(1, probation.Count);
        Assert.Equal(["a"], Walk(established));
        Assert.Equal(1, established.Count);
        Assert.Same(established, a.Lru);
    }

    private static List<string> Walk(DeviceLru lru)
    {
        var ids = new List<string>();
        for (var d = lru.Oldest; d is not null; d = d.Newer)
        {
            ids.Add(d.Id);
        }

        return ids;
    }

    private static DeviceStream Device(string id) =>
        new(id, new NullHost(), new ProcessorOptions(), new FrameSequencer(TimeSpan.FromSeconds(1), 4, 100_000, 1000));

    private sealed class NullHost : IDeviceStreamHost
    {
        public void FrameProcessed(DeviceStream device, in IngestItem item)
        {
        }

        public void EventRaised(DeviceStream device, in StabilityEvent stabilityEvent)
        {
        }

        public void WindowClosed(DeviceStream device, in SwayMetrics metrics)
        {
        }

        public void AnomalyCounted(DeviceStream device, SequenceAnomaly anomaly, long frames)
        {
        }

        public void ReturnSamples(in IngestItem item)
        {
        }
    }
}
