using FragmentCache.Memcached;
using FragmentCache.Tests.Core;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Reliability;

/// <summary>
/// Three real memcached servers, one killed, failover off: while the dead server's breaker is open, a fragment whose key
/// it owns is rendered once per process and kept as an outage copy for <see cref="FragmentCacheOutageOptions.CopyLifetime"/>
/// (the fragment cache's clock is a <see cref="FakeTimeProvider"/>; the client's breakers run on the system clock).
/// </summary>
public sealed class DeadServerOutageCopyTests : IAsyncDisposable
{
    private const int DeadServer = 1;
    private const int Requests = 20;
    private static readonly TimeSpan CopyLifetime = TimeSpan.FromSeconds(5);

    private readonly MemcachedClusterFixture _cluster = new();
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly List<TestHost> _hosts = [];
    private MemcachedCacheStore? _store;

    private MemcachedCacheStore Store => _store ?? throw new InvalidOperationException("Start first.");

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await _cluster.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeadServer_SameKeyRequestedManyTimes_RendersOncePerProcessUntilTheBoundPasses(bool twoTier)
    {
        await StartAsync(breakDuration: TimeSpan.FromMinutes(10));
        var first = AddHost(o => o.TwoTier.Enabled = twoTier);
        var second = AddHost(o => o.TwoTier.Enabled = twoTier);
        var (dead, live) = await KillAndFindKeysAsync(first, 1);
        var renderer = new RenderCounter("<p>dead</p>");
        var liveRenderer = new RenderCounter("<p>live</p>");

        for (var i = 0; i < Requests; i++)
        {
            Assert.Equal("<p>dead</p>", await first.Fragments.GetOrRenderAsync(dead[0], null, null, renderer.RenderAsync, TestContext.Current.CancellationToken));
            Assert.Equal("<p>dead</p>", await second.Fragments.GetOrRenderAsync(dead[0], null, null, renderer.RenderAsync, TestContext.Current.CancellationToken));
            Assert.Equal("<p>live</p>", await first.Fragments.GetOrRenderAsync(live, null, null, liveRenderer.RenderAsync, TestContext.Current.CancellationToken));
        }

        Assert.Equal(2, renderer.Calls); // once per process
        Assert.Equal(1, liveRenderer.Calls); // stored on a live server, as ever

        _time.Advance(CopyLifetime + TimeSpan.FromSeconds(1));
        for (var i = 0; i < Requests; i++)
        {
            await first.Fragments.GetOrRenderAsync(dead[0], null, null, renderer.RenderAsync, TestContext.Current.CancellationToken);
        }

        Assert.Equal(3, renderer.Calls); // the bound passed: rendered again, once
    }

    [Fact]
    public async Task DeadServer_HoldsTheTagCounter_FragmentOnALiveServerRendersOncePerProcess()
    {
        await StartAsync(breakDuration: TimeSpan.FromMinutes(10));
        var host = AddHost();
        var (_, live) = await KillAndFindKeysAsync(host, 1);
        var tagged = new FragmentCacheEntryOptions { Tags = [TagOn(down: true)] };
        var ct = TestContext.Current.CancellationToken;
        var renderer = new RenderCounter("v1");

        for (var i = 0; i < Requests; i++)
        {
            Assert.Equal("v1", await host.Fragments.GetOrRenderAsync(live, null, tagged, renderer.RenderAsync, ct));
        }

        Assert.Equal(1, renderer.Calls);

        // Invalidating the tag here drops the copy although its counter cannot be written.
        renderer.Output = "v2";
        await host.Fragments.InvalidateTagAsync(tagged.Tags[0], ct);
        Assert.Equal("v2", await host.Fragments.GetOrRenderAsync(live, null, tagged, renderer.RenderAsync, ct));

        _time.Advance(CopyLifetime);
        renderer.Output = "v3";
        Assert.Equal("v3", await host.Fragments.GetOrRenderAsync(live, null, tagged, renderer.RenderAsync, ct));
        Assert.Equal(3, renderer.Calls);
    }

    [Fact]
    public async Task DeadServer_InvalidationsDuringTheOutage_HonouredWithinTheBound()
    {
        await StartAsync(breakDuration: TimeSpan.FromMinutes(10));
        var host = AddHost();
        var other = AddHost();
        var (dead, _) = await KillAndFindKeysAsync(host, 3);
        var tagged = new FragmentCacheEntryOptions { Tags = [TagOn(down: false)] };
        var ct = TestContext.Current.CancellationToken;
        var renderer = new RenderCounter("v1");

        // This process invalidates the key: the next request renders the new value at once.
        Assert.Equal("v1", await host.Fragments.GetOrRenderAsync(dead[0], null, null, renderer.RenderAsync, ct));
        Assert.Equal("v1", await host.Fragments.GetOrRenderAsync(dead[0], null, null, renderer.RenderAsync, ct));
        renderer.Output = "v2";
        await host.Fragments.InvalidateAsync(FragmentKey.Create(dead[0], null), cancellationToken: ct);
        Assert.Equal("v2", await host.Fragments.GetOrRenderAsync(dead[0], null, null, renderer.RenderAsync, ct));
        Assert.Equal(2, renderer.Calls);

        // This process invalidates a tag: at once too.
        Assert.Equal("v2", await host.Fragments.GetOrRenderAsync(dead[1], null, tagged, renderer.RenderAsync, ct));
        Assert.Equal("v2", await host.Fragments.GetOrRenderAsync(dead[1], null, tagged, renderer.RenderAsync, ct));
        renderer.Output = "v3";
        await host.Fragments.InvalidateTagAsync(tagged.Tags[0], ct);
        Assert.Equal("v3", await host.Fragments.GetOrRenderAsync(dead[1], null, tagged, renderer.RenderAsync, ct));
        Assert.Equal(4, renderer.Calls);

        // Another process invalidates the tag: this one serves its copy at most until the bound, then the new value.
        Assert.Equal("v3", await host.Fragments.GetOrRenderAsync(dead[2], null, tagged, renderer.RenderAsync, ct));
        renderer.Output = "v4";
        await other.Fragments.InvalidateTagAsync(tagged.Tags[0], ct);
        _time.Advance(CopyLifetime);
        Assert.Equal("v4", await host.Fragments.GetOrRenderAsync(dead[2], null, tagged, renderer.RenderAsync, ct));
    }

    [Fact]
    public async Task DeadServer_MoreKeysThanTheLimit_AtMostMaxEntriesCopiesKept()
    {
        await StartAsync(breakDuration: TimeSpan.FromMinutes(10));
        var host = AddHost(o => o.Outage.MaxEntries = 2);
        var (dead, _) = await KillAndFindKeysAsync(host, 5);
        var renderer = new RenderCounter("<p>x</p>");
        var tier = host.Services.GetRequiredService<LocalFragmentTier>();

        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var name in dead)
            {
                await host.Fragments.GetOrRenderAsync(name, null, null, renderer.RenderAsync, TestContext.Current.CancellationToken);
                Assert.InRange(tier.OutageCopyCount, 0, 2);
            }
        }

        // Five renders on the first pass; on the second, at most two keys are served from a copy, and at least one is.
        Assert.InRange(renderer.Calls, 8, 9);
    }

    [Fact]
    public async Task DeadServer_ComesBack_TheStoreIsUsedAgain()
    {
        await StartAsync(breakDuration: TimeSpan.FromMilliseconds(200));
        var host = AddHost();
        var fresh = AddHost();
        var (dead, _) = await KillAndFindKeysAsync(host, 1);
        var ct = TestContext.Current.CancellationToken;
        var renderer = new RenderCounter("<p>outage</p>");
        for (var i = 0; i < Requests; i++)
        {
            Assert.Equal("<p>outage</p>", await host.Fragments.GetOrRenderAsync(dead[0], null, null, renderer.RenderAsync, ct));
        }

        Assert.Equal(1, renderer.Calls);

        await _cluster.Servers[DeadServer].RestartAsync(ct);
        var fullKey = FullKey(host, dead[0]);
        for (var waited = 0; Store.IsKnownDown(fullKey); waited += 50)
        {
            Assert.True(waited < 15_000, "the breaker did not close after the server came back: " +
                string.Join("; ", Store.Client.GetServerStatuses().Select(static s => s.ToString())));
            await Task.Delay(50, ct);
        }

        // Back: the copy is dropped, the fragment is rendered and stored on its server, and another process reads it
        // there. (A request that meets a connection the restart broke renders without storing: the next one stores.)
        renderer.Output = "<p>back</p>";
        Assert.Equal("<p>back</p>", await host.Fragments.GetOrRenderAsync(dead[0], null, null, renderer.RenderAsync, ct));
        var readFromTheStore = false;
        for (var i = 0; i < Requests && !readFromTheStore; i++)
        {
            var before = renderer.Calls;
            Assert.Equal("<p>back</p>", await fresh.Fragments.GetOrRenderAsync(dead[0], null, null, renderer.RenderAsync, ct));
            readFromTheStore = renderer.Calls == before;
        }

        Assert.True(readFromTheStore, $"another process never read the fragment from memcached ({renderer.Calls} renders)");
        Assert.Equal(0, host.Services.GetRequiredService<LocalFragmentTier>().OutageCopyCount);
    }

    private async Task StartAsync(TimeSpan breakDuration)
    {
        await _cluster.InitializeAsync();
        var options = new MemcachedClientOptions { FailureThreshold = 1, BreakDuration = breakDuration, MaxBreakDuration = breakDuration };
        foreach (var address in _cluster.Addresses)
        {
            options.Servers.Add(address);
        }

        _store = new MemcachedCacheStore(options);
    }

    private TestHost AddHost(Action<FragmentCacheOptions>? configure = null)
    {
        var host = TestHost.Create(Store, _time, o =>
        {
            o.KeyPrefix = "outage";
            o.Outage.CopyLifetime = CopyLifetime;
            configure?.Invoke(o);
        });
        _hosts.Add(host);
        return host;
    }

    private static string FullKey(TestHost host, string name)
        => Assert.IsType<DefaultFragmentCache>(host.Fragments).Entries.FullKey(FragmentKey.Create(name, null));

    /// <summary>A tag whose counter lives on the dead server (<paramref name="down"/>) or on a live one (call after the kill).</summary>
    private string TagOn(bool down)
    {
        var tags = _hosts[0].Services.GetRequiredService<TagGenerationStore>();
        for (var i = 0; i < 200; i++)
        {
            if (Store.IsKnownDown(tags.CounterKey("posts" + i)) == down)
            {
                return "posts" + i;
            }
        }

        throw new InvalidOperationException("No tag counter on the server wanted.");
    }

    /// <summary>Kills the server, opens its breaker, and returns fragment names it owns (and one a live server owns).</summary>
    private async Task<(string[] Dead, string Live)> KillAndFindKeysAsync(TestHost host, int count)
    {
        await _cluster.Servers[DeadServer].KillAsync();
        for (var i = 0; i < 300 && Store.Client.GetServerStatuses()[DeadServer].IsAvailable; i++)
        {
            try
            {
                await Store.GetAsync(FullKey(host, "fragment" + i), TestContext.Current.CancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The dead server: enough of these open its breaker.
            }

            // Reconnects back off: failures are counted per connect attempt, not per request.
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.False(Store.Client.GetServerStatuses()[DeadServer].IsAvailable, "the dead server's breaker did not open");
        var dead = new List<string>();
        string? live = null;
        for (var i = 0; i < 300 && (dead.Count < count || live is null); i++)
        {
            var name = "fragment" + i;
            if (Store.IsKnownDown(FullKey(host, name)))
            {
                dead.Add(name);
            }
            else
            {
                live ??= name;
            }
        }

        Assert.True(dead.Count >= count && live is not null, "no keys found on the dead and the live servers");
        return (dead.Take(count).ToArray(), live!);
    }
}
