using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace StabilityMonitor.Dashboard.BrowserTests;

/// <summary>The caregiver page in one browser context, as a caregiver uses it: by labels and button names.</summary>
public sealed class CaregiverPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    /// <summary>An init script counting WebAudio oscillators started (the page's beep is one per tone).</summary>
    public const string OscillatorCounter = """
        window.__oscillatorsStarted = 0;
        (() => {
          const start = OscillatorNode.prototype.start;
          OscillatorNode.prototype.start = function (...args) { window.__oscillatorsStarted++; return start.apply(this, args); };
        })();
        """;

    /// <summary>The interactive elements shown now (buttons, links, inputs, selects, text areas), as "tag 'text' w×h".</summary>
    private const string VisibleControls = """
        () => [...document.querySelectorAll('button, a[href], input, select, textarea, summary')]
          .filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
          .map((e) => { const r = e.getBoundingClientRect(); return { what: `${e.tagName.toLowerCase()} '${(e.textContent || e.id || '').trim().slice(0, 30)}'`, width: r.width, height: r.height }; })
        """;

    public IPage Page { get; } = page;

    public ILocator Connection => Page.Locator("#conn");

    public ILocator Tile(Guid residentId) => Page.Locator($"[data-resident-id='{residentId}']");

    public ILocator Alert(string alertId) => Page.Locator($"[data-alert-id='{alertId}']");

    public ILocator Alerts => Page.Locator("[data-alert-id]");

    public ILocator Button(ILocator scope, string name) => scope.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public async Task SignInAsync(string user, string password)
    {
        await Page.GetByLabel("User", new() { Exact = true }).FillAsync(user);
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(Connection).ToHaveTextAsync("Connected", new() { Timeout = 15_000 });
    }

    /// <summary>axe-core's serious and critical violations on the page as it is now (empty when accessible).</summary>
    public async Task<IReadOnlyList<string>> SeriousAccessibilityViolationsAsync()
    {
        var result = await Page.RunAxe();
        return [.. result.Violations
            .Where(static v => v.Impact is "serious" or "critical")
            .Select(static v => $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(static n => n.Html))}")];
    }

    /// <summary>A tile's sparkline as drawn: the SVG's size and its polyline's points (empty when it draws no line).</summary>
    public async Task<Sparkline> SparklineAsync(Guid residentId)
    {
        var svg = Tile(residentId).Locator("svg.spark");
        var width = double.Parse(await svg.GetAttributeAsync("width") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var height = double.Parse(await svg.GetAttributeAsync("height") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var points = await svg.Locator("polyline").GetAttributeAsync("points") ?? string.Empty;
        return new Sparkline(width, height, [.. points.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(static p =>
        {
            var xy = p.Split(',');
            return (double.Parse(xy[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(xy[1], System.Globalization.CultureInfo.InvariantCulture));
        })]);
    }

    /// <summary>Tones the page has started since it loaded.</summary>
    public Task<int> OscillatorsStartedAsync() => Page.EvaluateAsync<int>("() => window.__oscillatorsStarted");

    /// <summary>Shown controls smaller than 44 × 44 CSS px (docs/dashboard.md: touch targets at least 44 px).</summary>
    public async Task<IReadOnlyList<string>> SmallTouchTargetsAsync()
    {
        var controls = (await Page.EvaluateAsync<System.Text.Json.JsonElement>(VisibleControls)).EnumerateArray()
            .Select(static c => (What: c.GetProperty("what").GetString(), Width: c.GetProperty("width").GetDouble(), Height: c.GetProperty("height").GetDouble()))
            .ToList();
        Assert.NotEmpty(controls);
        return [.. controls.Where(static c => c.Width < 44 || c.Height < 44).Select(static c => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{c.What} {c.Width:0.#}x{c.Height:0.#}"))];
    }

    /// <summary>True when the alert feed is beside the residents (two columns), false when below them (one column).</summary>
    public async Task<bool> TwoColumnsAsync()
    {
        var residents = await Page.Locator("#ward-view .residents").BoundingBoxAsync() ?? throw new InvalidOperationException("no residents section");
        var feed = await Page.Locator("#ward-view .feed").BoundingBoxAsync() ?? throw new InvalidOperationException("no feed section");
        if (feed.X >= residents.X + residents.Width && feed.Y < residents.Y + residents.Height)
        {
            return true;
        }

        Assert.True(feed.Y >= residents.Y + residents.Height, $"feed at {feed.X},{feed.Y} neither beside nor below residents at {residents.X},{residents.Y} {residents.Width}x{residents.Height}");
        return false;
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
