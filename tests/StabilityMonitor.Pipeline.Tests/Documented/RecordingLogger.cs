using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Pipeline.Tests.Documented;

/// <summary>Keeps every log record with its structured values, to count lines and read what they say.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public List<(EventId Id, IReadOnlyDictionary<string, object?> Values)> Records { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.ToDictionary(static p => p.Key, static p => p.Value)
            : new Dictionary<string, object?>();
        Records.Add((eventId, values));
    }
}
