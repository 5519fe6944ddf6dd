namespace StabilityMonitor.Pipeline.Tests;

/// <summary>Waits for what a background task does (a hosted service's loop, a timer's tick); no time is asserted.</summary>
internal static class Waiting
{
    /// <summary>Completes once <paramref name="condition"/> holds; fails the test after 30 s.</summary>
    public static async Task Until(Func<bool> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, limit.Token);
        }
    }
}
