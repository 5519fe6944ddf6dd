using System.Diagnostics.CodeAnalysis;

namespace StabilityMonitor.Durability;

/// <summary>Throws kept out of hot methods so those stay small enough to inline.</summary>
internal static class DurabilityThrowHelper
{
    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName) => throw new ArgumentOutOfRangeException(paramName);

    [DoesNotReturn]
    public static void ThrowArgument(string message, string paramName) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowInvalidOperation(string message) => throw new InvalidOperationException(message);
}
