using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.Fragments;

/// <summary>
/// A fragment written by <c>&lt;memcache-fragment&gt;</c> is invalidated by the key <see cref="TemplateFragmentKeys"/>
/// builds from its name and vary-on values (and its view, when the key carries the view digest), over HTTP.
/// </summary>
public sealed class TemplateFragmentKeysTests
{
    private const string View = "/Views/FragmentRules/Invalidate.cshtml";

    [Fact]
    public async Task InvalidateFragmentAsync_MemoryStore_ReRendersExactlyTheAddressedFragments()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        await InvalidateScenarioAsync(factory, factory);
    }

    [Fact]
    public async Task InvalidateFragmentAsync_RealMemcachedFromAnotherHost_ReRendersExactlyTheAddressedFragments()
    {
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var server = "127.0.0.1:" + memcached.Port;
        var time = new FakeTimeProvider(TestAppFactory.Start);
        await using var one = new TestAppFactory(server, time);
        await using var two = new TestAppFactory(server, time);

        await InvalidateScenarioAsync(one, two);
        Assert.True(await memcached.ItemCountAsync(TestContext.Current.CancellationToken) > 0);
    }

    [Fact]
    public async Task InvalidateFragmentAsync_ComponentInAView_KeyWithoutViewPathReRendersIt()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        var keys = factory.Services.GetRequiredService<TemplateFragmentKeys>();
        var cache = factory.Services.GetRequiredService<IFragmentCache>();

        await client.SendAsync("/FragmentRules/Component/1");
        await client.SendAsync("/FragmentRules/Component/2");
        var (_, hit) = await client.SendAsync("/FragmentRules/Component/1");
        Assert.Contains("[comp:1:1]", hit);

        Assert.True(await cache.InvalidateFragmentAsync(keys.For("comp", [1]), cancellationToken: TestContext.Current.CancellationToken));
        var (_, one) = await client.SendAsync("/FragmentRules/Component/1");
        var (_, two) = await client.SendAsync("/FragmentRules/Component/2");

        Assert.Contains("[comp:1:2]", one);
        Assert.Contains("[comp:2:1]", two);
    }

    [Fact]
    public async Task For_UnknownViewPath_ThrowsNamingIt()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var keys = factory.Services.GetRequiredService<TemplateFragmentKeys>();

        var error = Assert.Throws<ArgumentException>(() => keys.For("inv-digest", [1], "/Views/FragmentRules/Nope.cshtml"));
        Assert.Contains("/Views/FragmentRules/Nope.cshtml", error.Message);
        Assert.Contains("inv-digest", error.Message);
        Assert.Throws<ArgumentException>(() => keys.For(" ", [1]));
    }

    [Fact]
    public async Task For_SameValuesAsTheTagHelper_SameKeyWhateverTheValueType()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var keys = factory.Services.GetRequiredService<TemplateFragmentKeys>();

        Assert.Equal(keys.For("x", [42]).ToFragmentKey(), keys.For("x", ["42"]).ToFragmentKey());
        Assert.Equal(keys.For("x", null).ToFragmentKey(), keys.For("x", []).ToFragmentKey());
        Assert.Equal(keys.For("x", [1], View).ToFragmentKey(), keys.For("x", [1], "~" + View.ToUpperInvariant()).ToFragmentKey());
        Assert.NotEqual(keys.For("x", [1]).ToFragmentKey(), keys.For("x", [1], View).ToFragmentKey());
        Assert.NotEqual(keys.For("x", [1, 2]).ToFragmentKey(), keys.For("x", ["1,2"]).ToFragmentKey());
    }

    /// <summary>Renders through <paramref name="renderer"/>, invalidates through <paramref name="invalidator"/>'s services.</summary>
    private static async Task InvalidateScenarioAsync(TestAppFactory renderer, TestAppFactory invalidator)
    {
        var client = renderer.CreateClient();
        await client.SendAsync("/FragmentRules/Invalidate/1");
        await client.SendAsync("/FragmentRules/Invalidate/2");
        await client.SendAsync("/FragmentRules/Invalidate/1");
        string[] fragments = ["inv-digest-1", "inv-plain-1", "inv-partial-1", "inv-none", "inv-digest-2", "inv-plain-2", "inv-partial-2"];
        Assert.All(fragments, name => Assert.Equal(1, renderer.Counter.Count(name)));

        var keys = invalidator.Services.GetRequiredService<TemplateFragmentKeys>();
        var cache = invalidator.Services.GetRequiredService<IFragmentCache>();
        var ct = TestContext.Current.CancellationToken;

        // The digest's fragment is not found without its view: the view is part of its key.
        Assert.False(await cache.InvalidateFragmentAsync(keys.For("inv-digest", [1]), cancellationToken: ct));
        Assert.True(await cache.InvalidateFragmentAsync(keys.For("inv-digest", [1], View), cancellationToken: ct));
        Assert.True(await cache.InvalidateFragmentAsync(keys.For("inv-plain", ["1"]), cancellationToken: ct));
        Assert.True(await cache.InvalidateFragmentAsync(keys.For("inv-partial", [1, "side"], "Views/FragmentRules/_InvalidatePartial.cshtml"), cancellationToken: ct));
        var none = keys.For("inv-none", viewPath: View);
        Assert.True(await cache.InvalidateAsync(none.Name, none.VaryValues, cancellationToken: ct));

        var (_, one) = await client.SendAsync("/FragmentRules/Invalidate/1");
        var (_, two) = await client.SendAsync("/FragmentRules/Invalidate/2");

        Assert.Contains("[inv-digest:1:2]", one);
        Assert.Contains("[inv-plain:1:2]", one);
        Assert.Contains("[inv-partial:1:2]", one);
        Assert.Contains("[inv-none:2]", one);
        Assert.Contains("[inv-digest:2:1]", two);
        Assert.Contains("[inv-plain:2:1]", two);
        Assert.Contains("[inv-partial:2:1]", two);
        Assert.Equal(2, renderer.Counter.Count("inv-none"));
        Assert.Equal(1, renderer.Counter.Count("inv-digest-2"));
    }
}
