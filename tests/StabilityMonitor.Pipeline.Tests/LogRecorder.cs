using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>A logger provider that keeps every record (category, event name, values): for a host built in a test.</summary>
internal sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public IReadOnlyList<LogRecord> Records => [.. _records];

    /// <summary>The records of one event (by its <see cref="EventId.Name"/>).</summary>
    public IReadOnlyList<LogRecord> Named(string eventName) => [.. _records.Where(r => r.EventName == eventName)];

    public ILogger CreateLogger(string categoryName) => new Recording(categoryName, _records);

    public void Dispose()
    {
    }

    private sealed class Recording(string category, ConcurrentQueue<LogRecord> records) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(static p => p.Key, static p => p.Value)
                : new Dictionary<string, object?>();
            records.Enqueue(new LogRecord(category, logLevel, eventId.Name, values, exception));
        }
    }
}

/// <summary>One log record as <see cref="LogRecorder"/> keeps it.</summary>
internal sealed record LogRecord(string Category, LogLevel Level, string? EventName, IReadOnlyDictionary<string, object?> Values, Exception? Exception);
