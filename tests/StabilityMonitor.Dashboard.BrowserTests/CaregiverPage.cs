using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace StabilityMonitor.Dashboard.BrowserTests;

/// <summary>The caregiver page in one browser context, as a caregiver uses it: by labels and button names.</summary>
public sealed class CaregiverPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
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

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
