using System.Text;
using StabilityMonitor.Influx.Writing;

namespace StabilityMonitor.Influx.Tests;

/// <summary>Records what it is sent; a script decides each outcome (default: written).</summary>
internal sealed class FakePointWriter : IPointWriter
{
    private readonly List<string> _stored = [];

    public Func<IReadOnlyList<string>, WriteOutcome>? Script { get; set; }

    public int Requests { get; private set; }

    public string Target => "fake";

    public IReadOnlyList<string> Stored
    {
        get
        {
            lock (_stored)
            {
                return [.. _stored];
            }
        }
    }

    public Task<WriteOutcome> WriteAsync(ReadOnlyMemory<byte> body, int points, CancellationToken cancellationToken)
    {
        string[] lines = Encoding.UTF8.GetString(body.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(points, lines.Length);
        Requests++;
        WriteOutcome outcome = Script?.Invoke(lines) ?? WriteOutcome.Written;
        if (outcome.Kind == WriteOutcomeKind.Written)
        {
            lock (_stored)
            {
                _stored.AddRange(lines);
            }
        }

        return Task.FromResult(outcome);
    }

    public void Dispose()
    {
    }
}
