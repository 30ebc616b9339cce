using System.Text;
using System.Text.Json;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace FragmentCache.Tests.Core.Django;

/// <summary>
/// A store with <c>Compatibility = "Django"</c> shares one memcached with a real Django application: Django's
/// <c>PyMemcacheCache</c> (Debian's python3-django and python3-pymemcache) on one side, <see cref="ICache"/> and
/// <see cref="IFragmentCache"/> on the other.
/// </summary>
public sealed class DjangoCompatibilityTests
{
    private const string Store = "legacy";
    private const string Prefix = "shop";
    private const int Version = 2;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServiceProvider Build(string? server, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"FragmentCache:Stores:{Store}:Compatibility"] = "Django",
            [$"FragmentCache:Stores:{Store}:KeyPrefix"] = Prefix,
            [$"FragmentCache:Stores:{Store}:Version"] = "2",
        };
        if (server is not null)
        {
            settings[$"FragmentCache:Stores:{Store}:Servers:0"] = server;
        }

        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddFragmentCache(configuration.GetSection("FragmentCache")).UseMemcached();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static ICache Legacy(IServiceProvider provider) => provider.GetRequiredService<IFragmentCacheStores>().GetCache(Store);

    private static DjangoCache Django(MemcachedProcess server) => new(server.Address, Prefix, Version);

    [Fact]
    public void Compatibility_Default_IsNone()
    {
        Assert.Equal(CacheCompatibility.None, new FragmentCacheOptions().Compatibility);
    }

    [Fact]
    public async Task DjangoSets_DotNetReadsStrIntAndBytes()
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Ct);
        await using var provider = Build(server.Address);
        var cache = Legacy(provider);
        await Django(server).RunAsync(
            DjangoCache.Set("text", "héllo wörld ✓"),
            DjangoCache.Set("number", 42),
            DjangoCache.Set("negative", -7),
            DjangoCache.Set("raw", [0, 1, 255]),
            DjangoCache.Set("empty-text", ""),
            DjangoCache.Set("empty-bytes", []),
            DjangoCache.Set("zero", 0));

        Assert.Equal("héllo wörld ✓", await cache.GetAsync<string>("text", cancellationToken: Ct));
        Assert.Equal(42L, await cache.GetAsync<long>("number", cancellationToken: Ct));
        Assert.Equal(42, await cache.GetAsync<int>("number", cancellationToken: Ct));
        Assert.Equal(42L, await cache.GetAsync<object>("number", cancellationToken: Ct));
        Assert.Equal(-7L, await cache.GetAsync<long>("negative", cancellationToken: Ct));
        Assert.Equal(new byte[] { 0, 1, 255 }, await cache.GetAsync<byte[]>("raw", cancellationToken: Ct));
        Assert.Equal(new CacheResult<string>(true, ""), await cache.TryGetAsync<string>("empty-text", Ct));
        var emptyBytes = await cache.TryGetAsync<byte[]>("empty-bytes", Ct);
        Assert.True(emptyBytes.Found);
        Assert.Empty(emptyBytes.Value!);
        Assert.Equal(new CacheResult<long>(true, 0), await cache.TryGetAsync<long>("zero", Ct));

        var many = await cache.GetManyAsync<object>(["text", "number", "empty-text", "empty-bytes", "missing"], Ct);
        Assert.Equal(["empty-bytes", "empty-text", "number", "text"], many.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("", many["empty-text"]);
        Assert.Equal(42L, many["number"]);
    }

    [Fact]
    public async Task DotNetSets_DjangoReadsStrIntAndBytes()
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Ct);
        await using var provider = Build(server.Address);
        var cache = Legacy(provider);
        var large = string.Concat(Enumerable.Repeat("<p>a compressible paragraph</p>", 4000));
        Assert.True(await cache.SetAsync("text", "héllo wörld ✓", cancellationToken: Ct));
        Assert.True(await cache.SetAsync("int", 42, cancellationToken: Ct));
        Assert.True(await cache.SetAsync("long", 9_000_000_000L, cancellationToken: Ct));
        Assert.True(await cache.SetAsync("short", (short)-3, cancellationToken: Ct));
        Assert.True(await cache.SetAsync("ulong", ulong.MaxValue, cancellationToken: Ct));
        Assert.True(await cache.SetAsync("raw", new byte[] { 0, 1, 255 }, cancellationToken: Ct));
        Assert.True(await cache.SetAsync("empty-text", "", cancellationToken: Ct));
        Assert.True(await cache.SetAsync("empty-bytes", Array.Empty<byte>(), cancellationToken: Ct));
        Assert.True(await cache.AddAsync("added", "first", cancellationToken: Ct));
        Assert.Empty(await cache.SetManyAsync<string>([new("many-1", "one"), new("many-2", "two")], cancellationToken: Ct));
        Assert.Equal("built", await cache.GetOrSetAsync("built", _ => ValueTask.FromResult("built"), cancellationToken: Ct));
        Assert.True(await cache.SetAsync("large", large, cancellationToken: Ct));

        var results = await Django(server).RunAsync(
            DjangoCache.Get("text"), DjangoCache.Get("int"), DjangoCache.Get("long"), DjangoCache.Get("short"), DjangoCache.Get("ulong"),
            DjangoCache.Get("raw"), DjangoCache.Get("empty-text"), DjangoCache.Get("empty-bytes"), DjangoCache.Get("added"),
            DjangoCache.Get("many-2"), DjangoCache.Get("built"), DjangoCache.Get("large"));

        AssertPython(results[0], "str", "héllo wörld ✓");
        AssertPython(results[1], "int", "42");
        AssertPython(results[2], "int", "9000000000");
        AssertPython(results[3], "int", "-3");
        AssertPython(results[4], "int", "18446744073709551615");
        AssertPython(results[5], "bytes", Convert.ToBase64String([0, 1, 255]));
        AssertPython(results[6], "str", "");
        AssertPython(results[7], "bytes", "");
        AssertPython(results[8], "str", "first");
        AssertPython(results[9], "str", "two");
        AssertPython(results[10], "str", "built");
        AssertPython(results[11], "str", large);

        // pymemcache's flags on the wire, and no compression: the large value is its UTF-8 bytes as they are.
        Assert.StartsWith("HD f16\r\n", await server.RawAsync("mg shop:2:text f\r\n", cancellationToken: Ct), StringComparison.Ordinal);
        Assert.StartsWith("HD f2\r\n", await server.RawAsync("mg shop:2:int f\r\n", cancellationToken: Ct), StringComparison.Ordinal);
        Assert.StartsWith("HD f0\r\n", await server.RawAsync("mg shop:2:raw f\r\n", cancellationToken: Ct), StringComparison.Ordinal);
        Assert.StartsWith($"HD f16 s{Encoding.UTF8.GetByteCount(large)}\r\n", await server.RawAsync("mg shop:2:large f s\r\n", cancellationToken: Ct), StringComparison.Ordinal);

        // .NET reads its own empty values back too.
        Assert.Equal(new CacheResult<string>(true, ""), await cache.TryGetAsync<string>("empty-text", Ct));
        Assert.True((await cache.TryGetAsync<byte[]>("empty-bytes", Ct)).Found);
        Assert.Equal(ulong.MaxValue, await cache.GetAsync<ulong>("ulong", cancellationToken: Ct));
    }

    [Fact]
    public async Task Counter_IncrementedFromBothSides_ReadsTheTotalOnBoth()
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Ct);
        await using var provider = Build(server.Address);
        var cache = Legacy(provider);
        var django = Django(server);

        Assert.True(await cache.SetAsync("hits", 10, cancellationToken: Ct));
        Assert.Equal("15", (await django.RunAsync(DjangoCache.Incr("hits", 5)))[0].GetProperty("value").GetString());
        Assert.Equal(18, await cache.IncrementAsync("hits", 3, Ct));
        // From 18 to 9: memcached pads the shorter number with a space, which both sides ignore.
        Assert.Equal("9", (await django.RunAsync(DjangoCache.Incr("hits", -9)))[0].GetProperty("value").GetString());
        Assert.Equal(9L, await cache.GetAsync<long>("hits", cancellationToken: Ct));
        Assert.Equal(8, await cache.DecrementAsync("hits", 1, Ct));
        AssertPython((await django.RunAsync(DjangoCache.Get("hits")))[0], "int", "8");

        // A counter Django created.
        var created = await django.RunAsync(DjangoCache.Set("visits", 1));
        Assert.True(created[0].GetProperty("ok").GetBoolean());
        Assert.Equal(2, await cache.IncrementAsync("visits", cancellationToken: Ct));
        var after = await django.RunAsync(DjangoCache.Incr("visits", 1), DjangoCache.Get("visits"));
        AssertPython(after[1], "int", "3");
        Assert.Equal(3, await cache.GetAsync<int>("visits", cancellationToken: Ct));
    }

    [Fact]
    public async Task Delete_SeenByBothSides()
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Ct);
        await using var provider = Build(server.Address);
        var cache = Legacy(provider);
        var django = Django(server);
        await django.RunAsync(DjangoCache.Set("from-django", "x"));
        Assert.True(await cache.SetAsync("from-dotnet", "y", cancellationToken: Ct));

        Assert.True(await cache.DeleteAsync("from-django", Ct));
        var results = await django.RunAsync(DjangoCache.Get("from-django"), DjangoCache.Delete("from-dotnet"));

        Assert.Equal("NoneType", results[0].GetProperty("type").GetString());
        Assert.True(results[1].GetProperty("deleted").GetBoolean());
        Assert.False((await cache.TryGetAsync<string>("from-dotnet", Ct)).Found);
        Assert.Equal(0, await server.ItemCountAsync(Ct));
    }

    [Fact]
    public async Task DjangoCachePage_AndDotNetFragment_NeverCollide()
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Ct);
        await using var provider = Build(server.Address);
        var fragments = provider.GetRequiredService<IFragmentCacheStores>().GetFragmentCache(Store);
        var django = Django(server);
        var renderer = new RenderCounter("<aside>.NET sidebar</aside>");

        var first = (await django.RunAsync(DjangoCache.Page("/page/")))[0];
        Assert.Equal(1, first.GetProperty("calls").GetInt32());
        Assert.Equal("<aside>.NET sidebar</aside>", await fragments.GetOrRenderAsync("sidebar", ["en"], null, renderer.RenderAsync, Ct));

        // Both entries survive the other side's writes: Django serves its page from the cache (its view is not called),
        // and the fragment is a hit.
        var second = (await django.RunAsync(DjangoCache.Page("/page/")))[0];
        Assert.Equal(0, second.GetProperty("calls").GetInt32());
        Assert.Equal(["django page 1", "django page 1"], second.GetProperty("bodies").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal("<aside>.NET sidebar</aside>", await fragments.GetOrRenderAsync("sidebar", ["en"], null, renderer.RenderAsync, Ct));
        Assert.Equal(1, renderer.Calls);

        var keys = await KeysAsync(server);
        var pageKey = second.GetProperty("page_key").GetString()!;
        Assert.StartsWith("shop:2:views.decorators.cache.cache_page.", pageKey, StringComparison.Ordinal);
        Assert.Contains(pageKey, keys);
        Assert.Single(keys, k => k.StartsWith("shop:2:views.decorators.cache.cache_header.", StringComparison.Ordinal));
        var fragmentKeys = keys.Where(k => k.StartsWith("shop:2:fragment:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(fragmentKeys);
        Assert.DoesNotContain(pageKey, fragmentKeys);
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task MemoryStore_DjangoMode_KeepsPymemcacheFlagsAndReadsThemBack()
    {
        await using var provider = Build(null);
        var cache = Legacy(provider);
        var store = Assert.Single(provider.GetRequiredService<FragmentCacheStores>().Named).Store;
        Assert.True(await cache.SetAsync("text", "", cancellationToken: Ct));
        Assert.True(await cache.SetAsync("raw", Array.Empty<byte>(), cancellationToken: Ct));
        Assert.True(await cache.SetAsync("count", 41u, cancellationToken: Ct));

        Assert.Equal(16u, (await store.GetAsync("shop:2:text", Ct))!.Value.Flags);
        Assert.Equal(0u, (await store.GetAsync("shop:2:raw", Ct))!.Value.Flags);
        Assert.Equal(2u, (await store.GetAsync("shop:2:count", Ct))!.Value.Flags);
        Assert.Equal(new CacheResult<string>(true, ""), await cache.TryGetAsync<string>("text", Ct));
        Assert.True((await cache.TryGetAsync<byte[]>("raw", Ct)).Found);
        Assert.Equal(42, await cache.IncrementAsync("count", cancellationToken: Ct));
        Assert.Equal(42u, await cache.GetAsync<uint>("count", cancellationToken: Ct));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OtherValueTypes_AreRefusedNamingTheTypeAndTheStore(bool memcached)
    {
        await using var server = memcached ? await MemcachedProcess.StartAsync(cancellationToken: Ct) : null;
        await using var provider = Build(server?.Address);
        var cache = Legacy(provider);

        var set = await Assert.ThrowsAsync<NotSupportedException>(async () => await cache.SetAsync("price", 1.5, cancellationToken: Ct));
        Assert.Contains("'legacy'", set.Message, StringComparison.Ordinal);
        Assert.Contains("System.Double", set.Message, StringComparison.Ordinal);
        var add = await Assert.ThrowsAsync<NotSupportedException>(async () => await cache.AddAsync("when", DateTime.UnixEpoch, cancellationToken: Ct));
        Assert.Contains("System.DateTime", add.Message, StringComparison.Ordinal);
        var built = await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await cache.GetOrSetAsync("id", _ => ValueTask.FromResult(Guid.Empty), cancellationToken: Ct));
        Assert.Contains("System.Guid", built.Message, StringComparison.Ordinal);
        var many = await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await cache.SetManyAsync([new KeyValuePair<string, decimal>("total", 2m)], cancellationToken: Ct));
        Assert.Contains("System.Decimal", many.Message, StringComparison.Ordinal);
        var none = await Assert.ThrowsAsync<NotSupportedException>(async () => await cache.SetAsync<string?>("nothing", null, cancellationToken: Ct));
        Assert.Contains("null", none.Message, StringComparison.Ordinal);

        Assert.False((await cache.TryGetAsync<object>("price", Ct)).Found);
        if (server is not null)
        {
            Assert.Equal(0, await server.ItemCountAsync(Ct));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task IllegalKeys_AreRefusedNeverHashed(bool memcached)
    {
        await using var server = memcached ? await MemcachedProcess.StartAsync(cancellationToken: Ct) : null;
        await using var provider = Build(server?.Address);
        var cache = Legacy(provider);

        var space = await Assert.ThrowsAsync<ArgumentException>(async () => await cache.SetAsync("has space", "v", cancellationToken: Ct));
        Assert.Contains("'shop:2:has space'", space.Message, StringComparison.Ordinal);
        Assert.Contains("U+0020", space.Message, StringComparison.Ordinal);
        var length = await Assert.ThrowsAsync<ArgumentException>(async () => await cache.GetAsync<string>(new string('k', 244), cancellationToken: Ct));
        Assert.Contains("251 characters long", length.Message, StringComparison.Ordinal);
        var unicode = await Assert.ThrowsAsync<ArgumentException>(async () => await cache.SetAsync("clé", "v", cancellationToken: Ct));
        Assert.Contains("non-ASCII character U+00E9", unicode.Message, StringComparison.Ordinal);
        var control = await Assert.ThrowsAsync<ArgumentException>(async () => await cache.DeleteAsync("del\u007f", Ct));
        Assert.Contains("U+007F", control.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await cache.IncrementAsync("new\nline", cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await cache.TouchAsync("tab\tkey", cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await cache.SetManyAsync([new KeyValuePair<string, string>("a b", "v")], cancellationToken: Ct));

        // The longest legal key: 250 characters in all, as Django allows.
        Assert.True(await cache.SetAsync(new string('k', 243), "v", cancellationToken: Ct));
        Assert.Equal("v", await cache.GetAsync<string>(new string('k', 243), cancellationToken: Ct));
        if (server is not null)
        {
            // A key Django accepts but the Memcached store would hash (it holds the hash marker) is refused too.
            var marker = await Assert.ThrowsAsync<ArgumentException>(async () => await cache.SetAsync("a#sha256:b", "v", cancellationToken: Ct));
            Assert.Contains("#sha256:", marker.Message, StringComparison.Ordinal);
            Assert.Equal(1, await server.ItemCountAsync(Ct));

            // Django refuses the same keys.
            var django = await Django(server).RunAsync(DjangoCache.Set("has space", "v"), DjangoCache.Set(new string('k', 244), "v"));
            Assert.All(django, r => Assert.Equal("InvalidCacheKey", r.GetProperty("error").GetString()));
        }
    }

    [Fact]
    public async Task PickledValue_ReadsAsMissAndLogsTheStore()
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Ct);
        await using var provider = Build(server.Address);
        var cache = Legacy(provider);
        await Django(server).RunAsync(DjangoCache.SetPickled("settings"));

        Assert.False((await cache.TryGetAsync<string>("settings", Ct)).Found);
        Assert.Null(await cache.GetAsync<object>("settings", cancellationToken: Ct));
        Assert.Empty(await cache.GetManyAsync<string>(["settings"], Ct));
        Assert.Equal("fallback", await cache.GetAsync("settings", "fallback", Ct));

        var logged = provider.GetRequiredService<FakeLogCollector>().GetSnapshot().Where(r => r.Id.Id == 60).ToList();
        Assert.Equal(4, logged.Count);
        Assert.All(logged, r => Assert.Equal(LogLevel.Error, r.Level));
        Assert.Contains("store 'legacy'", logged[0].Message, StringComparison.Ordinal);
        Assert.Contains("pickle", logged[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MainStore_DjangoMode_EmptyPrefixIsDjangosColonOneKey()
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Ct);
        await using var provider = Build(null, new()
        {
            ["FragmentCache:Servers:0"] = server.Address,
            ["FragmentCache:Compatibility"] = "django",
        });
        var cache = provider.GetRequiredService<ICache>();
        Assert.True(await cache.SetAsync("greeting", "bonjour", cancellationToken: Ct));

        var results = await new DjangoCache(server.Address, "", 1).RunAsync(DjangoCache.MakeKey("greeting"), DjangoCache.Get("greeting"));

        Assert.Equal(":1:greeting", results[0].GetProperty("key").GetString());
        AssertPython(results[1], "str", "bonjour");
        Assert.StartsWith("HD f16\r\n", await server.RawAsync("mg :1:greeting f\r\n", cancellationToken: Ct), StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(async () => await cache.SetAsync("price", 1.5, cancellationToken: Ct));
    }

    [Fact]
    public void Compatibility_Misspelled_FailsAtStartupNamingTheStoreAndTheValue()
    {
        using var misspelled = Build(null, new() { [$"FragmentCache:Stores:{Store}:Compatibility"] = "Djnago" });
        var error = Assert.ThrowsAny<Exception>(() => misspelled.GetRequiredService<IOptions<FragmentCacheOptions>>().Value);
        Assert.Contains("FragmentCache:Stores:legacy:Compatibility", error.Message, StringComparison.Ordinal);
        Assert.Contains("Djnago", error.Message, StringComparison.Ordinal);

        using var main = Build(null, new() { ["FragmentCache:Compatibility"] = "Jango" });
        var mainError = Assert.ThrowsAny<Exception>(() => main.GetRequiredService<IOptions<FragmentCacheOptions>>().Value);
        Assert.Contains("FragmentCache:Compatibility", mainError.Message, StringComparison.Ordinal);
        Assert.Contains("Jango", mainError.Message, StringComparison.Ordinal);

        using var number = Build(null, new() { [$"FragmentCache:Stores:{Store}:Compatibility"] = "7" });
        var invalid = Assert.Throws<OptionsValidationException>(() => number.GetRequiredService<IOptions<FragmentCacheOptions>>().Value);
        Assert.Single(invalid.Failures, f => f == "FragmentCache:Stores:legacy:Compatibility must be one of None, Django; got '7'.");
    }

    private static void AssertPython(JsonElement result, string type, string value)
    {
        Assert.Equal(type, result.GetProperty("type").GetString());
        Assert.Equal(value, result.GetProperty("value").GetString());
    }

    private static async Task<List<string>> KeysAsync(MemcachedProcess server)
    {
        var dump = await server.RawAsync("lru_crawler metadump all\r\n", "END\r\n", Ct);
        return dump.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("key=", StringComparison.Ordinal))
            .Select(line => Uri.UnescapeDataString(line[4..line.IndexOf(' ', StringComparison.Ordinal)]))
            .ToList();
    }
}
