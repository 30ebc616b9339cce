using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using static FragmentCache.Mvc.Tests.Infrastructure.HttpHelpers;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// A Django application (Debian's python3-django, <c>PyMemcacheCache</c>) and the test app share one memcached through
/// the store "shared" with <c>Compatibility = "Django"</c>: Django's <c>cache_page</c> entries and the app's
/// <c>[CachePage]</c> page and fragment live side by side under keys that never meet.
/// </summary>
public sealed class DjangoSideBySideTests
{
    [Fact]
    public async Task DjangoCachePage_AndCachePageAndFragment_NeverCollide()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var main = await MemcachedProcess.StartAsync(cancellationToken: ct);
        await using var shared = await MemcachedProcess.StartAsync(cancellationToken: ct);
        await using var app = new NamedStoresAppFactory(new Dictionary<string, string>
        {
            ["FragmentCache:Servers:0"] = main.Address,
            ["FragmentCache:Memcached:OperationTimeout"] = "00:00:10",
            ["FragmentCache:Stores:shared:Servers:0"] = shared.Address,
            ["FragmentCache:Stores:shared:KeyPrefix"] = "shared",
            ["FragmentCache:Stores:shared:Compatibility"] = "Django",
            ["FragmentCache:Stores:shared:Memcached:OperationTimeout"] = "00:00:10",
        });
        var client = app.CreateClient();
        var django = new DjangoCache(shared.Address, "shared", 1);

        var djangoFirst = (await django.RunAsync(DjangoCache.Page("/page/")))[0];
        var (_, page) = await client.SendAsync("/Stores/Page");
        var (_, fragment) = await client.SendAsync("/Stores/Fragment");
        var djangoSecond = (await django.RunAsync(DjangoCache.Page("/page/")))[0];
        var (pageHit, pageAgain) = await client.SendAsync("/Stores/Page");
        var (_, fragmentAgain) = await client.SendAsync("/Stores/Fragment");

        // Each side's entries survive the other's writes: Django's view ran once in all, the page and the fragment
        // rendered once.
        Assert.Equal(1, djangoFirst.GetProperty("calls").GetInt32());
        Assert.Equal(0, djangoSecond.GetProperty("calls").GetInt32());
        Assert.Equal(["django page 1", "django page 1"], djangoSecond.GetProperty("bodies").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal("page 1", page);
        Assert.Equal(page, pageAgain);
        Assert.Equal("hit", pageHit.Header("X-Fragment-Cache"));
        Assert.Equal(fragment, fragmentAgain);
        Assert.Equal(1, Count(fragmentAgain, "shared"));

        var keys = await KeysAsync(shared);
        var pageKey = djangoSecond.GetProperty("page_key").GetString()!;
        Assert.StartsWith("shared:1:views.decorators.cache.cache_page.", pageKey, StringComparison.Ordinal);
        Assert.Contains(pageKey, keys);
        Assert.Single(keys, k => k.StartsWith("shared:1:views.decorators.cache.cache_header.", StringComparison.Ordinal));
        var ours = keys.Where(k => !k.StartsWith("shared:1:views.decorators.cache.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(ours);
        Assert.All(ours, k => Assert.StartsWith("shared:1:fragment", k, StringComparison.Ordinal));
        Assert.Equal(0, await main.ItemCountAsync(ct));
    }

    private static async Task<List<string>> KeysAsync(MemcachedProcess server)
    {
        var dump = await server.RawAsync("lru_crawler metadump all\r\n", "END\r\n", TestContext.Current.CancellationToken);
        return dump.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("key=", StringComparison.Ordinal))
            .Select(line => Uri.UnescapeDataString(line[4..line.IndexOf(' ', StringComparison.Ordinal)]))
            .ToList();
    }
}
