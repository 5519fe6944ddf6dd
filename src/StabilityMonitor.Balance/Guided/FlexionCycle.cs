namespace StabilityMonitor.Balance.Guided;

/// <summary>One forward flexion of the trunk (a rise or a sit-down): where it leaves and regains the level around it.</summary>
internal readonly record struct FlexionCycle(int Start, int Peak, int End);

/// <summary>
/// Finds trunk flexions in a chair test: peaks of the angle from the starting orientation that stand at least
/// <see cref="ProminenceDeg"/> above the valleys on both sides (hysteresis), each spanning from the last sample before
/// the peak within <see cref="EdgeDeg"/> of the valley before to the first after within it of the valley after.
/// </summary>
internal static class FlexionCycles
{
    public const float ProminenceDeg = 10;
    public const float EdgeDeg = 3;

    public static List<FlexionCycle> Find(float[] angle)
    {
        var peaks = new List<int>();
        var valleys = new List<int> { 0 };
        var low = 0;
        var high = -1;
        for (var i = 1; i < angle.Length; i++)
        {
            if (high < 0)
            {
                if (angle[i] < angle[low])
                {
                    low = i;
                }
                else if (angle[i] > angle[low] + ProminenceDeg)
                {
                    valleys[^1] = low;
                    high = i;
                }
            }
            else if (angle[i] > angle[high])
            {
                high = i;
            }
            else if (angle[i] < angle[high] - ProminenceDeg)
            {
                peaks.Add(high);
                valleys.Add(i);
                low = i;
                high = -1;
            }
        }

        // The valley after the last peak: its lowest point to the end.
        if (peaks.Count > 0)
        {
            var last = valleys[^1];
            for (var i = last; i < angle.Length; i++)
            {
                if (angle[i] < angle[last])
                {
                    last = i;
                }
            }

            valleys[^1] = last;
        }

        var cycles = new List<FlexionCycle>(peaks.Count);
        for (var k = 0; k < peaks.Count; k++)
        {
            var peak = peaks[k];
            var before = angle[valleys[k]];
            var start = peak;
            while (start > valleys[k] && angle[start] > before + EdgeDeg)
            {
                start--;
            }

            var afterIndex = k + 1 < valleys.Count ? valleys[k + 1] : angle.Length - 1;
            var after = Lowest(angle, peak, afterIndex + 1);
            var end = peak;
            while (end < angle.Length - 1 && angle[end] > after + EdgeDeg)
            {
                end++;
            }

            cycles.Add(new FlexionCycle(start, peak, end));
        }

        return cycles;
    }

    private static float Lowest(float[] values, int from, int to)
    {
        var lowest = float.MaxValue;
        for (var i = from; i < Math.Min(to, values.Length); i++)
        {
            lowest = MathF.Min(lowest, values[i]);
        }

        return lowest;
    }
}
