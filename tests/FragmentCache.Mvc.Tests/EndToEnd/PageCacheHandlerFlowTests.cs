using System.Net;
using FragmentCache.Mvc.TestApp.Services;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// The page cache's orchestration over HTTP on the memory store: a request that joined a render that failed, a stale
/// per-site page whose invalidation fails, and the warning about a culture resolved after the page key.
/// </summary>
public sealed class PageCacheHandlerFlowTests
{
    [Fact]
    public async Task JoinedRenderFails_JoinerRunsItsOwnAction()
    {
        var (factory, _) = TestAppFactory.Create(services => LookupSignal.Decorate(services));
        await using var _f = factory;
        var client = factory.CreateClient();
        var gate = factory.Services.GetRequiredService<PageGate>();
        var lookups = factory.Services.GetRequiredService<LookupSignal>();

        var first = client.SendAsync("/site/HeldFailsFirst");
        await WaitUntil(() => factory.Counter.Count("site-held-fails-first") == 1);
        var second = client.SendAsync("/site/HeldFailsFirst");

        // The memory store's flight is joined inside the lookup call, before it returns its pending task.
        await WaitUntil(() => lookups.Started == 2);
        gate.Release.SetResult();
        var (failed, _) = await first;
        var (joined, body) = await second;

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        Assert.Equal("held 2", body);
        Assert.Equal(2, factory.Counter.Count("site-held-fails-first"));
    }

    [Fact]
    public async Task StalePerSitePage_InvalidationFailsWithThrowOnError_ServedFreshAndLoggedOnce()
    {
        CapturingLoggerProvider? logs = null;
        var (factory, store) = TestAppFactory.Create(services =>
        {
            logs = LogCapture.AddTo(services);
            services.Configure<FragmentCacheOptions>(o => o.ThrowOnError = true);
        });
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/site/MaxAge");
        factory.Time.Advance(TimeSpan.FromSeconds(31));
        store.DeletesDown = true;
        var (response, body) = await client.SendAsync("/site/MaxAge");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("maxage 2", body);
        Assert.Equal(1, store.Deletes);
        Assert.Single(logs!.WithEvent(103), line => line.Contains("FragmentCache pages: a cache operation failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StalePerSitePage_InvalidationSwallowed_LooksTwiceThenServesFresh()
    {
        var (factory, store) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/site/MaxAge");
        factory.Time.Advance(TimeSpan.FromSeconds(31));
        store.DeletesDown = true;
        var (response, body) = await client.SendAsync("/site/MaxAge");

        // The stale entry stays (its deletes fail quietly): the second look finds it again, and there is no third.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("maxage 2", body);
        Assert.Equal(2, store.Deletes);
        Assert.Equal(2, factory.Counter.Count("site-maxage"));
    }

    [Fact]
    public async Task CultureResolvedAfterKey_WarnedOnce()
    {
        CapturingLoggerProvider? logs = null;
        var (factory, _) = TestAppFactory.Create(services => logs = LogCapture.AddTo(services), cachePage: "localization-after");
        await using var _f = factory;

        const string Warning = "FragmentCache pages: the request's culture was resolved after";

        // Each endpoint meets the late culture once (UseCachePage then leaves it to the filter): two endpoints, one
        // warning, logged by the first.
        await factory.CreateClient().SendAsync("/Localized", ("Accept-Language", "es"));
        Assert.Single(logs!.WithEvent(106), line => line.Contains(Warning, StringComparison.Ordinal));
        foreach (var url in new[] { "/Localized/NoQuery", "/Localized", "/Localized/NoQuery" })
        {
            await factory.CreateClient().SendAsync(url, ("Accept-Language", "es"));
        }

        Assert.Single(logs!.WithEvent(106), line => line.Contains("FragmentCache pages: the request's culture was resolved after", StringComparison.Ordinal));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 2000 && !condition(); i++)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), "the condition did not hold within 2000 polls");
    }

    /// <summary>Wraps the registered <see cref="IFragmentCache"/> and counts the lookups that have been started.</summary>
    private sealed class LookupSignal(IFragmentCache inner) : IFragmentCache
    {
        private int _started;

        public int Started => Volatile.Read(ref _started);

        public static void Decorate(IServiceCollection services)
        {
            var registered = services.Last(d => d.ServiceType == typeof(IFragmentCache));
            services.Remove(registered);
            services.AddSingleton(sp => new LookupSignal(registered.ImplementationType is { } type
                ? (IFragmentCache)ActivatorUtilities.CreateInstance(sp, type)
                : (IFragmentCache)registered.ImplementationFactory!(sp)));
            services.AddSingleton<IFragmentCache>(sp => sp.GetRequiredService<LookupSignal>());
        }

        public async ValueTask<FragmentResult> GetOrRenderAsync(FragmentKey key, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<FragmentRender>> render, CancellationToken cancellationToken = default)
        {
            var pending = inner.GetOrRenderAsync(key, options, render, cancellationToken);
            Interlocked.Increment(ref _started);
            return await pending;
        }

        public ValueTask<bool> InvalidateAsync(FragmentKey key, bool soft = false, CancellationToken cancellationToken = default)
            => inner.InvalidateAsync(key, soft, cancellationToken);

        public ValueTask InvalidateTagAsync(string tag, CancellationToken cancellationToken = default)
            => inner.InvalidateTagAsync(tag, cancellationToken);
    }
}
