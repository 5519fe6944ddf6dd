using System.Globalization;

namespace StabilityMonitor.Dashboard.BrowserTests;

/// <summary>A tile's sparkline read back from the page: the SVG's width and height and the polyline's points.</summary>
public sealed record Sparkline(double Width, double Height, IReadOnlyList<(double X, double Y)> Points)
{
    /// <summary>The page writes coordinates to 0.1 px.</summary>
    private const double Tolerance = 0.1 + 1e-9;

    /// <summary>
    /// Asserts that the line draws <paramref name="values"/> (oldest first): one point per value, spread evenly from
    /// the left edge to the right, each value's height a straight-line function of it (a larger value higher up, the
    /// same scale for all), inside the box.
    /// </summary>
    public void AssertDraws(IReadOnlyList<double> values)
    {
        Assert.True(values.Count >= 2, "a line needs two values");
        Assert.True(Points.Count == values.Count, $"{Points.Count} points for {values.Count} values: {this}");
        var step = Width / (values.Count - 1);
        for (var i = 0; i < Points.Count; i++)
        {
            Assert.True(Math.Abs(Points[i].X - (i * step)) <= Tolerance, $"point {i} at x {Points[i].X}, expected {i * step}: {this}");
            Assert.InRange(Points[i].Y, 0, Height);
        }

        // Least squares y = a + b·value: the points lie on it (to the page's rounding), b < 0 (SVG y grows downwards).
        var meanV = values.Average();
        var meanY = Points.Average(static p => p.Y);
        var sxx = values.Sum(v => (v - meanV) * (v - meanV));
        var b = sxx == 0 ? 0 : values.Select((v, i) => (v - meanV) * (Points[i].Y - meanY)).Sum() / sxx;
        var a = meanY - (b * meanV);
        Assert.True(sxx == 0 || b < 0, $"larger values drawn lower (slope {b}): {this}");
        for (var i = 0; i < Points.Count; i++)
        {
            var residual = Points[i].Y - (a + (b * values[i]));
            Assert.True(Math.Abs(residual) <= Tolerance, $"point {i} ({values[i]:0.###} mg) drawn at y {Points[i].Y}, {residual:0.###} px off the line of the others: {this}");
        }
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Width}x{Height} [{string.Join(' ', Points.Select(static p => string.Create(CultureInfo.InvariantCulture, $"{p.X},{p.Y}")))}]");
}
