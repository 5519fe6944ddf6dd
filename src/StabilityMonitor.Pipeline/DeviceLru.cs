namespace StabilityMonitor.Pipeline;

/// <summary>
/// Devices ordered by when they were last seen, oldest first: an intrusive doubly linked list through
/// <see cref="DeviceStream.Older"/> and <see cref="DeviceStream.Newer"/>, so moving a device to the newest end on
/// every frame costs two pointer swaps and no allocation, and the eviction candidate is found in O(1).
/// Touched only under the pipeline's lock.
/// </summary>
internal sealed class DeviceLru
{
    private DeviceStream? _newest;

    /// <summary>The least recently seen device, or null when the list is empty.</summary>
    public DeviceStream? Oldest { get; private set; }

    public int Count { get; private set; }

    /// <summary>Moves <paramref name="device"/> (in this list, another one or none) to this list's newest end.</summary>
    public void MoveToNewest(DeviceStream device)
    {
        if (device.Lru == this && device.Newer is null)
        {
            return;
        }

        device.Lru?.Remove(device);
        device.Older = _newest;
        device.Newer = null;
        if (_newest is null)
        {
            Oldest = device;
        }
        else
        {
            _newest.Newer = device;
        }

        _newest = device;
        device.Lru = this;
        Count++;
    }

    public void Remove(DeviceStream device)
    {
        if (device.Lru != this)
        {
            return;
        }

        if (device.Older is null)
        {
            Oldest = device.Newer;
        }
        else
        {
            device.Older.Newer = device.Newer;
        }

        if (device.Newer is null)
        {
            _newest = device.Older;
        }
        else
        {
            device.Newer.Older = device.Older;
        }

        device.Older = null;
        device.Newer = null;
        device.Lru = null;
        Count--;
    }
}
