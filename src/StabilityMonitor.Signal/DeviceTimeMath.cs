namespace StabilityMonitor.Signal;

/// <summary>
/// Total arithmetic on device times (Unix microseconds from a frame header). Headers come from devices and may hold
/// any 64-bit value, so sums and differences saturate instead of wrapping (a wrapped difference reads as a small or
/// negative gap) or throwing (<see cref="Math.Abs(long)"/> of <see cref="long.MinValue"/>).
/// </summary>
public static class DeviceTimeMath
{
    /// <summary><paramref name="a"/> + <paramref name="b"/>, clamped to the range of <see cref="long"/>.</summary>
    public static long Add(long a, long b)
    {
        var sum = unchecked(a + b);

        // Overflow only when both operands have the same sign and the sum's sign differs.
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? long.MinValue : long.MaxValue) : sum;
    }

    /// <summary><paramref name="a"/> − <paramref name="b"/>, clamped to the range of <see cref="long"/>.</summary>
    public static long Subtract(long a, long b)
    {
        var difference = unchecked(a - b);

        // Overflow only when the operands have different signs and the result's sign differs from a's.
        return ((a ^ b) & (a ^ difference)) < 0 ? (a < 0 ? long.MinValue : long.MaxValue) : difference;
    }

    /// <summary>|<paramref name="a"/> − <paramref name="b"/>| without overflow (it is at most 2^64 − 1).</summary>
    public static ulong Distance(long a, long b) => a >= b ? unchecked((ulong)a - (ulong)b) : unchecked((ulong)b - (ulong)a);

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> lie more than <paramref name="limit"/> apart (a negative limit: always).</summary>
    public static bool FartherThan(long a, long b, long limit) => limit < 0 || Distance(a, b) > (ulong)limit;
}
