using System.Collections.Concurrent;
using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// An application's own decorator of <see cref="IFragmentCache"/> (one that counts lookups, as a metrics wrapper would):
/// the tag helper and the page cache reach the store through it, so it sees every lookup, hits included, and the hits
/// keep working through it.
/// </summary>
public sealed class DecoratedFragmentCacheTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fragment_ThroughADecorator_HitsAndTheDecoratorSeesEveryLookup(bool twoTier)
    {
        var (factory, _) = TestAppFactory.Create(services => Decorate(services, twoTier));
        await using var _f = factory;
        var client = factory.CreateClient();

        var (first, body1) = await client.SendAsync("/");
        var (second, body2) = await client.SendAsync("/");
        var (third, body3) = await client.SendAsync("/");

        Assert.Equal("<main>[basic:1]</main>", body1.Trim());
        Assert.Equal(body1, body2);
        Assert.Equal(body1, body3);
        Assert.Equal(1, factory.Counter.Count("basic"));
        Assert.Equal("miss", first.Header("X-Fragment-Cache"));
        Assert.Equal("hit", second.Header("X-Fragment-Cache"));
        Assert.Equal("hit", third.Header("X-Fragment-Cache"));
        var decorator = factory.Services.GetRequiredService<CountingFragmentCache>();
        Assert.Equal(3, decorator.Lookups("basic"));
        Assert.Equal([FragmentOutcome.Miss, twoTier ? FragmentOutcome.LocalHit : FragmentOutcome.Hit, twoTier ? FragmentOutcome.LocalHit : FragmentOutcome.Hit], decorator.Outcomes("basic"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CachePage_ThroughADecorator_HitsAndTheDecoratorSeesEveryLookup(bool twoTier)
    {
        var (factory, _) = TestAppFactory.Create(services => Decorate(services, twoTier));
        await using var _f = factory;
        var client = factory.CreateClient();

        var (miss, body1) = await client.SendAsync("/Pages/Index");
        var (hit1, body2) = await client.SendAsync("/Pages/Index");
        var (hit2, body3) = await client.SendAsync("/Pages/Index");

        Assert.Equal(body1, body2);
        Assert.Equal(body1, body3);
        Assert.Equal(1, factory.Counter.Count("pages-index"));
        Assert.Equal("miss", miss.Header("X-Fragment-Cache"));
        Assert.Equal("hit", hit1.Header("X-Fragment-Cache"));
        Assert.Equal("hit", hit2.Header("X-Fragment-Cache"));
        var decorator = factory.Services.GetRequiredService<CountingFragmentCache>();
        Assert.Equal(3, decorator.Lookups("page"));
        Assert.Equal([FragmentOutcome.Miss, twoTier ? FragmentOutcome.LocalHit : FragmentOutcome.Hit, twoTier ? FragmentOutcome.LocalHit : FragmentOutcome.Hit], decorator.Outcomes("page"));
    }

    [Fact]
    public async Task Fragment_OverMaxSize_ThroughADecorator_RenderedEveryTimeAsNotStored()
    {
        var (factory, _) = TestAppFactory.Create(services => Decorate(services, twoTier: false));
        await using var _f = factory;
        var client = factory.CreateClient();

        // Over MaxFragmentSize: served, never stored, and the decorator sees an outcome, not an exception.
        var (first, body1) = await client.SendAsync("/Fragments/Features");
        var (_, body2) = await client.SendAsync("/Fragments/Features");

        Assert.Equal(System.Net.HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("[big:1]" + new string('x', 3000), body1);
        Assert.Contains("[big:2]" + new string('x', 3000), body2);
        Assert.Equal(2, factory.Counter.Count("f-big"));
        Assert.Equal([FragmentOutcome.NotStored, FragmentOutcome.NotStored], factory.Services.GetRequiredService<CountingFragmentCache>().Outcomes("f-big"));
    }

    [Fact]
    public async Task CachePage_NotStorable_ThroughADecorator_RendersEveryTimeAsNotStored()
    {
        var (factory, _) = TestAppFactory.Create(services => Decorate(services, twoTier: false));
        await using var _f = factory;
        var client = factory.CreateClient();

        // The action sets a cookie: rendered and served, never stored, and the decorator sees why.
        var (first, _) = await client.SendAsync("/Pages/SetCookie");
        var (second, _) = await client.SendAsync("/Pages/SetCookie");

        Assert.Equal(2, factory.Counter.Count("pages-cookie"));
        Assert.Equal("miss", first.Header("X-Fragment-Cache"));
        Assert.Equal("miss", second.Header("X-Fragment-Cache"));
        Assert.Equal([FragmentOutcome.NotStored, FragmentOutcome.NotStored], factory.Services.GetRequiredService<CountingFragmentCache>().Outcomes("page"));
    }

    /// <summary>Wraps whatever <see cref="IFragmentCache"/> the application registered, as an application would.</summary>
    private static void Decorate(IServiceCollection services, bool twoTier)
    {
        services.Configure<FragmentCacheOptions>(o => o.TwoTier.Enabled = twoTier);
        var inner = services.Last(d => d.ServiceType == typeof(IFragmentCache));
        services.Remove(inner);
        services.AddSingleton(sp => new CountingFragmentCache(inner.ImplementationType is { } type
            ? (IFragmentCache)ActivatorUtilities.CreateInstance(sp, type)
            : (IFragmentCache)inner.ImplementationFactory!(sp)));
        services.AddSingleton<IFragmentCache>(sp => sp.GetRequiredService<CountingFragmentCache>());
    }

    /// <summary>A decorator that records each lookup's key name and outcome, and otherwise passes every call through.</summary>
    private sealed class CountingFragmentCache(IFragmentCache inner) : IFragmentCache
    {
        private readonly ConcurrentQueue<(string Name, FragmentOutcome Outcome)> _lookups = new();

        public int Lookups(string name) => _lookups.Count(l => l.Name == name);

        public FragmentOutcome[] Outcomes(string name) => [.. _lookups.Where(l => l.Name == name).Select(l => l.Outcome)];

        public async ValueTask<FragmentResult> GetOrRenderAsync(FragmentKey key, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<FragmentRender>> render, CancellationToken cancellationToken = default)
        {
            var result = await inner.GetOrRenderAsync(key, options, render, cancellationToken);
            _lookups.Enqueue((key.Name, result.Outcome));
            return result;
        }

        public ValueTask<bool> InvalidateAsync(FragmentKey key, bool soft = false, CancellationToken cancellationToken = default)
            => inner.InvalidateAsync(key, soft, cancellationToken);

        public ValueTask InvalidateTagAsync(string tag, CancellationToken cancellationToken = default)
            => inner.InvalidateTagAsync(tag, cancellationToken);
    }
}
