using System.Buffers;
using System.IO.Pipelines;
using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.EndToEnd;

public sealed class OutputCacheStoreTests
{
    [Fact]
    public async Task OutputCache_SecondHost_ServesFromSharedStoreUntilTagEvicted()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestAppFactory.Start);
        var store = FlakyStore.CreateMemory(time);
        await using var one = new TestAppFactory(store, time);
        await using var two = new TestAppFactory(store, time);

        var (_, first) = await one.CreateClient().SendAsync("/Output");
        var (_, second) = await two.CreateClient().SendAsync("/Output");
        Assert.Equal("output 1", first);
        Assert.Equal("output 1", second);
        Assert.Equal(0, two.Counter.Count("output"));

        await two.Services.GetRequiredService<IOutputCacheStore>().EvictByTagAsync("oc", TestContext.Current.CancellationToken);
        var (_, after) = await one.CreateClient().SendAsync("/Output");
        Assert.Equal("output 2", after);
    }

    [Fact]
    public async Task OutputCacheStore_KeyWithACookieValue_NeverReachesTheStoreInClear()
    {
        // ASP.NET Core builds the key in clear (method, host, path and every vary-by value, a Cookie header's too);
        // the entry carries its key for the read-back check, so that must be a digest.
        var (factory, flaky) = TestAppFactory.Create();
        await using var _f = factory;
        var store = factory.Services.GetRequiredService<IOutputCacheStore>();
        var ct = TestContext.Current.CancellationToken;
        const string Key = "GET\u001eHTTP\u001eLOCALHOST/PAGE\u001eH\u001eCOOKIE=session=secret-4242";

        await store.SetAsync(Key, [1, 2, 3], ["t"], TimeSpan.FromMinutes(1), ct);

        Assert.Equal(new byte[] { 1, 2, 3 }, await store.GetAsync(Key, ct));
        Assert.Null(await store.GetAsync(Key.Replace("4242", "4243", StringComparison.Ordinal), ct));
        Assert.NotEmpty(flaky.Written);
        Assert.All(flaky.Written, w =>
        {
            Assert.DoesNotContain("secret-4242", w.Key, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-4242", System.Text.Encoding.UTF8.GetString(w.Value), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task OutputCacheStore_RoundTripsBothShapes()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var store = factory.Services.GetRequiredService<IOutputCacheStore>();
        var ct = TestContext.Current.CancellationToken;

        await store.SetAsync("k \n|1", [1, 2, 3], ["t"], TimeSpan.FromMinutes(1), ct);
        Assert.Equal(new byte[] { 1, 2, 3 }, await store.GetAsync("k \n|1", ct));
        Assert.Null(await store.GetAsync("k \n|2", ct));

        var buffers = Assert.IsAssignableFrom<IOutputCacheBufferStore>(store);
        await buffers.SetAsync("b", new ReadOnlySequence<byte>(new byte[] { 9, 8 }), new[] { "t2" }, TimeSpan.FromMinutes(1), ct);
        var pipe = new Pipe();
        Assert.True(await buffers.TryGetAsync("b", pipe.Writer, ct));
        await pipe.Writer.CompleteAsync();
        var read = await pipe.Reader.ReadAsync(ct);
        Assert.Equal(new byte[] { 9, 8 }, read.Buffer.ToArray());
        Assert.False(await buffers.TryGetAsync("missing", new Pipe().Writer, ct));
    }

    [Fact]
    public async Task OutputCacheStore_ValidForPasses_Miss()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var store = factory.Services.GetRequiredService<IOutputCacheStore>();
        var ct = TestContext.Current.CancellationToken;

        await store.SetAsync("k", [1], null, TimeSpan.FromSeconds(10), ct);
        factory.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Null(await store.GetAsync("k", ct));
    }

    [Fact]
    public async Task OutputCacheStore_EvictByTag_OnlyTaggedEntriesGo()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var store = factory.Services.GetRequiredService<IOutputCacheStore>();
        var ct = TestContext.Current.CancellationToken;

        await store.SetAsync("a", [1], ["x"], TimeSpan.FromMinutes(1), ct);
        await store.SetAsync("b", [2], ["y"], TimeSpan.FromMinutes(1), ct);
        await store.EvictByTagAsync("x", ct);

        Assert.Null(await store.GetAsync("a", ct));
        Assert.Equal(new byte[] { 2 }, await store.GetAsync("b", ct));
    }

    [Fact]
    public async Task OutputCacheStore_StoreDown_MissAndNoThrow()
    {
        var (factory, flaky) = TestAppFactory.Create();
        await using var _f = factory;
        var store = factory.Services.GetRequiredService<IOutputCacheStore>();
        var ct = TestContext.Current.CancellationToken;
        flaky.Down = true;

        await store.SetAsync("a", [1], ["x"], TimeSpan.FromMinutes(1), ct);
        await store.EvictByTagAsync("x", ct);
        Assert.Null(await store.GetAsync("a", ct));
    }
}
