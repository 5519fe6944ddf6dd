using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StabilityMonitor.IntegrationTests;

/// <summary>Keeps every log line of the server under test; tests fail on unexpected errors.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();

    /// <summary>Errors, except the health-check service's report of an unhealthy check (expected while /readyz is polled before the broker connection is up).</summary>
    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Errors =>
        [.. _entries.Where(static e => e.Level >= LogLevel.Error && !e.Category.EndsWith("HealthChecks.DefaultHealthCheckService", StringComparison.Ordinal))];

    public int Count(string category, string contains) =>
        _entries.Count(e => e.Category.EndsWith(category, StringComparison.Ordinal) && e.Message.Contains(contains, StringComparison.Ordinal));

    /// <summary>The messages of <paramref name="category"/> (by its last part), in order.</summary>
    public IReadOnlyList<string> Messages(string category) =>
        [.. _entries.Where(e => e.Category.EndsWith(category, StringComparison.Ordinal)).Select(static e => e.Message)];

    public string Dump() => string.Join('\n', _entries.TakeLast(200).Select(static e => $"{e.Level} {e.Category}: {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception) + (exception is null ? string.Empty : " | " + exception.GetType().Name + ": " + exception.Message);
            owner._entries.Enqueue((logLevel, category, message));
            if (owner._entries.Count > 20_000)
            {
                owner._entries.TryDequeue(out _);
            }
        }
    }
}
