using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Influx.Tests;

/// <summary>Keeps log lines (and writes them to the test output when there is one).</summary>
internal sealed class TestLogger(ITestOutputHelper? output = null) : ILogger, ILoggerFactory
{
    private readonly List<(LogLevel Level, string Text)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Text)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string text = formatter(state, exception) + (exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message);
        lock (_entries)
        {
            _entries.Add((logLevel, text));
        }

        try
        {
            output?.WriteLine($"[{logLevel}] {text}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished.
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
