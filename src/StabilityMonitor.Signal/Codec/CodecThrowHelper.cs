using System.Diagnostics.CodeAnalysis;

namespace StabilityMonitor.Signal.Codec;

/// <summary>Throws kept out of the codec methods so their bodies stay small.</summary>
internal static class CodecThrowHelper
{
    [DoesNotReturn]
    public static void ThrowArgument(string message, string paramName) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName, object? actualValue, string message) =>
        throw new ArgumentOutOfRangeException(paramName, actualValue, message);
}
