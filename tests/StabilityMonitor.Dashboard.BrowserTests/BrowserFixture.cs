using Microsoft.Playwright;

namespace StabilityMonitor.Dashboard.BrowserTests;

/// <summary>
/// One headless Chromium for the whole test class: Debian's package (Playwright downloads no browser here), or the
/// executable named by <c>STABILITY_CHROMIUM</c>. Screenshots go to <see cref="Artifacts"/> beside the test assembly.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private const string DefaultChromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots are saved (test output dir <c>artifacts/</c>).</summary>
    public string Artifacts { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts");

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("STABILITY_CHROMIUM") is { Length: > 0 } path ? path : DefaultChromium;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"Chromium not found at '{chromium}': install Debian's 'chromium' package (scripts/test.sh does) or set STABILITY_CHROMIUM.");
        }

        Directory.CreateDirectory(Artifacts);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A new browser context (own cookies) on <paramref name="server"/>, tablet-sized unless told.</summary>
    public async Task<CaregiverPage> OpenAsync(Uri server, int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height } });
        context.SetDefaultTimeout(15_000);
        await context.AddInitScriptAsync(CaregiverPage.OscillatorCounter);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        return new CaregiverPage(context, page);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
