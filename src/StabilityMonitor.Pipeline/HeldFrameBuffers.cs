namespace StabilityMonitor.Pipeline;

/// <summary>
/// The arrays a <see cref="FrameSequencer"/> holds early frames in, lent while it holds any and given back when it
/// holds none: most devices never reorder, and one array per device (MaxHeldFrames + 1 items, ~1.9 KB) was kept for
/// nothing. An array is allocated only when none of its length is free, so once as many as reorder at the same time
/// have been made, holding a frame allocates nothing. Shared by every pipeline and grain of the process; arrays come
/// back cleared (a sequencer clears each slot as it empties it). Thread-safe.
/// </summary>
internal static class HeldFrameBuffers
{
    // Free arrays kept per length; more than this many devices reordering at once is a storm, whose extra arrays go
    // to the collector when it is over.
    private const int MaxFreePerLength = 1024;

    private static readonly Dictionary<int, Stack<IngestItem[]>> s_free = [];

    public static IngestItem[] Rent(int length)
    {
        lock (s_free)
        {
            if (s_free.TryGetValue(length, out var free) && free.TryPop(out var array))
            {
                return array;
            }
        }

        return new IngestItem[length];
    }

    /// <summary>Gives back an array whose slots are all empty (default).</summary>
    public static void Return(IngestItem[] array)
    {
        lock (s_free)
        {
            if (!s_free.TryGetValue(array.Length, out var free))
            {
                s_free[array.Length] = free = new Stack<IngestItem[]>();
            }

            if (free.Count < MaxFreePerLength)
            {
                free.Push(array);
            }
        }
    }

    /// <summary>Free arrays of <paramref name="length"/> (tests).</summary>
    internal static int FreeCount(int length)
    {
        lock (s_free)
        {
            return s_free.TryGetValue(length, out var free) ? free.Count : 0;
        }
    }
}
