using CsCheck;
using FragmentCache.Memcached;
using FragmentCache.Tests.Core;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Reliability;

/// <summary>
/// Names and tags passed from code are hostile too (CR/LF, NUL, separators, lone surrogates, 64 KB): through the
/// real Memcached store a tagged fragment renders once, hits, and is invalidated by its tag - never an exception.
/// </summary>
[Collection(MemcachedCollection.Name)]
public sealed class HostileTagTests(MemcachedFixture fixture)
{
    [Fact]
    public async Task InvalidateTagAsync_HostileTagsAndNames_RenderHitInvalidateWithoutException()
    {
        int run = 0;
        await HostileGen.Name.Select(HostileGen.Value.Where(t => t.Length > 0), HostileGen.Value.Where(t => t.Length > 0))
            .SampleAsync(async (name, tag, otherTag) =>
            {
                await using var host = TestHost.Create(Store(), TimeProvider.System, o => o.KeyPrefix = "tags" + run++ + Guid.NewGuid().ToString("N")[..6]);
                var options = new FragmentCacheEntryOptions { Tags = [tag, otherTag] };
                var renderer = new RenderCounter("<p>tagged</p>");
                var ct = TestContext.Current.CancellationToken;

                Assert.Equal("<p>tagged</p>", await host.Fragments.GetOrRenderAsync(name, [tag], options, renderer.RenderAsync, ct));
                Assert.Equal("<p>tagged</p>", await host.Fragments.GetOrRenderAsync(name, [tag], options, renderer.RenderAsync, ct));
                Assert.Equal(1, renderer.Calls);

                await host.Fragments.InvalidateTagAsync(tag, ct);
                Assert.Equal("<p>tagged</p>", await host.Fragments.GetOrRenderAsync(name, [tag], options, renderer.RenderAsync, ct));
                Assert.Equal(2, renderer.Calls);
                Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
            }, iter: 30, threads: 1, print: t => $"name {HostileGen.Escape(t.Item1)} tags {HostileGen.Escape(t.Item2)} / {HostileGen.Escape(t.Item3)}");
    }

    [Fact]
    public async Task GetOrRenderAsync_64KbTag_RendersWithoutException()
    {
        await using var host = TestHost.Create(Store(), TimeProvider.System, o => o.KeyPrefix = "hugetag" + Guid.NewGuid().ToString("N")[..6]);
        var tag = string.Concat(Enumerable.Repeat("\r\n", 40 * 1024));
        var renderer = new RenderCounter("<p>huge tag</p>");
        var ct = TestContext.Current.CancellationToken;

        var html = await host.Fragments.GetOrRenderAsync("huge-tag", null, new FragmentCacheEntryOptions { Tags = [tag] }, renderer.RenderAsync, ct);
        await host.Fragments.InvalidateTagAsync(tag, ct);

        Assert.Equal("<p>huge tag</p>", html);
        Assert.Equal(1, renderer.Calls);
    }

    private MemcachedCacheStore Store()
    {
        var options = TestClientOptions.For(fixture.Address);
        return new MemcachedCacheStore(options);
    }
}
