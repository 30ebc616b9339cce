using BlogSite.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BlogSite.Tests.Browser;

/// <summary>
/// The blog on a real Kestrel port over its own memcached, and Debian's Chromium driven by Playwright. Playwright
/// never downloads a browser: it launches /usr/bin/chromium (installed by ./test.sh) through the node driver
/// shipped inside the Microsoft.Playwright package.
/// </summary>
public sealed class BrowserSiteFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Flags that keep Chromium off the network: this machine reaches only loopback.</summary>
    public static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private MemcachedProcess? _memcached;
    private IPlaywright? _playwright;

    public BlogSiteFactory Site { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _memcached = await MemcachedProcess.StartAsync();

        // A small widget delay so the /cache chart shows renders costing more than hits, as a person would see.
        Site = new BlogSiteFactory(_memcached.Address, widgetDelay: TimeSpan.FromMilliseconds(60));
        BaseAddress = Site.StartKestrel();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A fresh browser profile (cookies of its own) on the site, in a window of the given size (a desktop's by default).</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>docs/screenshots/NAME in the repository (the folder holding FragmentCache.sln).</summary>
    public static string ScreenshotPath(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FragmentCache.sln")))
        {
            dir = dir.Parent;
        }

        var folder = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Site is not null)
        {
            await Site.DisposeAsync();
        }

        if (_memcached is not null)
        {
            await _memcached.DisposeAsync();
        }
    }
}
