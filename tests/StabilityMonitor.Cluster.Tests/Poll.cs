using System.Diagnostics;

namespace StabilityMonitor.Cluster.Tests;

/// <summary>Polls a condition with a deadline instead of sleeping for a guessed time.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Condition not met within {timeout}: {describe()}");
            }

            await Task.Delay(25);
        }
    }
}
