using System.Net;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Mvc.TestApp.Services;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FragmentCache.Mvc.Tests.Infrastructure.HttpHelpers;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// Named stores through the test app: <c>store="..."</c>, <c>[CachePage(Store = ...)]</c>, profiles and
/// <c>[FromKeyedServices]</c>, with the main store and "shared" on two real memcached processes, or in memory.
/// </summary>
public sealed class NamedStoresTests
{
    private static Dictionary<string, string> OnTwoServers(MemcachedProcess main, MemcachedProcess shared, string? cachePage = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["FragmentCache:Servers:0"] = main.Address,
            ["FragmentCache:Memcached:OperationTimeout"] = "00:00:10",
            ["FragmentCache:Stores:shared:Servers:0"] = shared.Address,
            ["FragmentCache:Stores:shared:KeyPrefix"] = "shared",
            ["FragmentCache:Stores:shared:Memcached:OperationTimeout"] = "00:00:10",
            ["FragmentCache:Mvc:Profiles:onshared:Store"] = "shared",
        };
        if (cachePage is not null)
        {
            settings["TestApp:CachePage"] = cachePage;
        }

        return settings;
    }

    [Fact]
    public async Task Fragment_StoreShared_IsWrittenToThatMemcachedOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var main = await MemcachedProcess.StartAsync(cancellationToken: ct);
        await using var shared = await MemcachedProcess.StartAsync(cancellationToken: ct);
        await using var app = new NamedStoresAppFactory(OnTwoServers(main, shared));
        var client = app.CreateClient();

        var (_, first) = await client.SendAsync("/Stores/Fragment");
        var (hit, second) = await client.SendAsync("/Stores/Fragment");

        Assert.Equal(first, second);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(1, Count(second, "shared"));
        Assert.Equal(0, await main.ItemCountAsync(ct));
        var afterTag = await shared.ItemCountAsync(ct);
        Assert.True(afterTag > 0);

        // The store named by a profile.
        await client.SendAsync("/Stores/Profiled");
        var (_, profiled) = await client.SendAsync("/Stores/Profiled");
        Assert.Equal(1, Count(profiled, "profiled"));
        Assert.Equal(0, await main.ItemCountAsync(ct));
        Assert.True(await shared.ItemCountAsync(ct) > afterTag);

        // The same kind of fragment without a store goes to the main store's server.
        await client.SendAsync("/Stores/Twins");
        Assert.True(await main.ItemCountAsync(ct) > 0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("middleware")]
    public async Task CachePage_StoreShared_IsWrittenToThatMemcachedOnly(string? cachePage)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var main = await MemcachedProcess.StartAsync(cancellationToken: ct);
        await using var shared = await MemcachedProcess.StartAsync(cancellationToken: ct);
        await using var app = new NamedStoresAppFactory(OnTwoServers(main, shared, cachePage));
        var client = app.CreateClient();

        var (_, first) = await client.SendAsync("/Stores/Page");
        var (hit, second) = await client.SendAsync("/Stores/Page");

        Assert.Equal("page 1", first);
        Assert.Equal(first, second);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(0, await main.ItemCountAsync(ct));
        Assert.True(await shared.ItemCountAsync(ct) > 0);

        // Its path tag lives in that store: invalidating it there drops the page.
        await app.Services.GetRequiredKeyedService<IFragmentCache>("shared").InvalidateTagAsync(CachePageTags.ForPath("/Stores/Page"), ct);
        var (_, third) = await client.SendAsync("/Stores/Page");
        Assert.Equal("page 2", third);
    }

    [Fact]
    public async Task InvalidateTag_OnLocalStore_RendersOnlyThatStoresFragmentAgain()
    {
        var (app, _) = TestAppFactory.Create();
        await using var _app = app;
        var client = app.CreateClient();
        var (_, before) = await client.SendAsync("/Stores/Twins");

        await app.Services.GetRequiredService<IFragmentCacheStores>().GetFragmentCache("local").InvalidateTagAsync("twins", TestContext.Current.CancellationToken);
        var (_, after) = await client.SendAsync("/Stores/Twins");

        // One name, two stores: two entries, and the invalidation reached only the local one.
        Assert.Equal(1, Count(before, "twin-main"));
        Assert.Equal(1, Count(before, "twin-local"));
        Assert.Equal(1, Count(after, "twin-main"));
        Assert.Equal(2, Count(after, "twin-local"));
    }

    [Fact]
    public async Task FromKeyedServices_InAnAction_IsTheNamedStoresCache()
    {
        var (app, _) = TestAppFactory.Create();
        await using var _app = app;
        var client = app.CreateClient();

        var (_, written) = await client.SendAsync("/Stores/Session?id=u1&value=cart-3");
        var (_, read) = await client.SendAsync("/Stores/Session?id=u1");

        Assert.Equal("cart-3", written);
        Assert.Equal("cart-3", read);
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal("cart-3", await app.Services.GetRequiredService<IFragmentCacheStores>().GetCache("sessions").GetAsync<string>("u1", cancellationToken: ct));
        Assert.Null(await app.Services.GetRequiredService<ICache>().GetAsync<string>("u1", cancellationToken: ct));
    }

    [Fact]
    public async Task StoreDefault_OnAFragment_IsTheMainStore()
    {
        var (app, _) = TestAppFactory.Create();
        await using var _app = app;

        var (_, body) = await app.CreateClient().SendAsync("/Stores/DefaultAlias");

        Assert.Equal(2, body.Split("[alias:1]").Length - 1);
        Assert.Equal(1, app.Services.GetRequiredService<RenderCounter>().Count("stores-alias"));
    }

    [Fact]
    public async Task UnknownStoreOnTag_FailsTheRequestNamingIt()
    {
        var (app, _) = TestAppFactory.Create();
        await using var _app = app;

        var (response, body) = await app.CreateClient().SendAsync("/Stores/Unknown");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        // The Development error page (plain text for a client that does not ask for HTML) carries the message.
        Assert.Contains("<memcache-fragment name=\"lost\">: No FragmentCache store named 'nowhere'. Configured: default, local, shared, sessions.", body, StringComparison.Ordinal);
        Assert.Equal(0, app.Services.GetRequiredService<RenderCounter>().Count("stores-lost"));
    }

    [Fact]
    public async Task UnknownStoreOnAttribute_FailsAtStartupNamingItAndTheAction()
    {
        await using var app = new NamedStoresAppFactory(new Dictionary<string, string> { ["TestApp:NamedStores"] = "none" });

        var error = Assert.Throws<InvalidOperationException>(() => app.CreateClient());

        Assert.Contains("[CachePage(Store = \"shared\")] on FragmentCache.Mvc.TestApp.Controllers.StoresController.Page", error.Message, StringComparison.Ordinal);
        Assert.Contains("No FragmentCache store named 'shared'. Configured: default.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownStoreInProfile_FailsAtStartupNamingIt()
    {
        await using var app = new NamedStoresAppFactory(new Dictionary<string, string> { ["FragmentCache:Mvc:Profiles:broken:Store"] = "elsewhere" });

        var error = Assert.Throws<InvalidOperationException>(() => app.CreateClient());

        Assert.Contains("FragmentCache:Mvc:Profiles:broken:Store: No FragmentCache store named 'elsewhere'.", error.Message, StringComparison.Ordinal);
    }
}
