using System.Diagnostics.CodeAnalysis;

namespace StabilityMonitor.Signal;

/// <summary>Throws kept out of hot methods so those stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName) => throw new ArgumentOutOfRangeException(paramName);

    [DoesNotReturn]
    public static void ThrowArgument(string message, string paramName) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowInvalidData(string message) => throw new InvalidDataException(message);
}
