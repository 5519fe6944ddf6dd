namespace StabilityMonitor.Simulation.Balance;

/// <summary>
/// Weeks of a simulated resident's life with a trend, for progress end to end (docs/balance.md): each day a short,
/// compressed day of walking, standing and sitting (about 7 min: the server then counts a day as worn with
/// <c>Balance:MinWornHours</c> lowered), and each week a timed up-and-go and a 5× sit-to-stand. Over the weeks,
/// <paramref name="improvement"/> (0: none, 1: the full change) moves cadence 86 → 100 steps/min, rises 2.5 → 1.6 s,
/// walking 2 × 60 → 2 × 100 s a day and quiet-standing sway 0.009 → 0.006 g, with day-to-day noise. Seeded: the same
/// seed gives the same life.
/// </summary>
public sealed class ResidentWeeks(int weeks, double improvement = 1, int seed = 1)
{
    public int Weeks { get; } = weeks;

    public int Days => Weeks * 7;

    /// <summary>Progress along the trend on day <paramref name="day"/>, from 0 to the improvement given.</summary>
    public double Progress(int day) => improvement * day / Math.Max(1, Days - 1);

    public double CadenceSpm(int day) => 86 + (14 * Progress(day)) + Noise(day, 1, 3);

    public double RiseSeconds(int day) => 2.5 - (0.9 * Progress(day)) + Noise(day, 2, 0.2);

    /// <summary>The day's activity (about 7 minutes).</summary>
    public BalanceScript Day(int day)
    {
        var cadence = CadenceSpm(day);
        var rise = RiseSeconds(day);
        var walk = 60 + (40 * Progress(day)) + Noise(day, 3, 10);
        var sway = 0.009 - (0.003 * Progress(day));
        return new BalanceScript()
            .Stand(20, sway).Walk(walk, cadence).Stand(30, sway)
            .SitDown(rise).Sit(45).StandUp(rise)
            .Stand(20, sway).Walk(walk, cadence).Stand(30, sway)
            .SitDown(rise).Sit(40).StandUp(rise).Stand(15, sway);
    }

    /// <summary>The week's timed up-and-go (seated start and end): the rise, 3 m out, the turn and back, the sit-down.</summary>
    public BalanceScript TimedUpAndGo(int week)
    {
        var day = Math.Min(Days - 1, (week * 7) + 2);
        var rise = RiseSeconds(day);
        var walk = 9.5 - (3.5 * Progress(day)) + Noise(day, 4, 0.6);
        return new BalanceScript().Sit(3).StandUp(rise).Walk(walk / 2, CadenceSpm(day)).Stand(1.2).Walk(walk / 2, CadenceSpm(day)).SitDown(rise).Sit(3);
    }

    /// <summary>The week's 5× sit-to-stand.</summary>
    public BalanceScript SitToStand5x(int week)
    {
        var day = Math.Min(Days - 1, (week * 7) + 2);
        return new BalanceScript().Sit(2).SitToStandRepetitions(5, RiseSeconds(day), 0.5 + (0.4 * (1 - Progress(day)))).Sit(2);
    }

    // Deterministic noise in [-amplitude/2, amplitude/2] per day and stream. SplitMix64 of the three: the first
    // values of System.Random for neighbouring seeds are nearly linear in the seed, which made a trend of noise.
    private double Noise(int day, int stream, double amplitude)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)day << 20) ^ (ulong)stream;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (((z >> 11) * (1.0 / (1UL << 53))) - 0.5) * amplitude;
    }
}
