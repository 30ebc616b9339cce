namespace FragmentCache.Tests.Core;

/// <summary>
/// Lengthening a tag counter's lifetime is a chore, not part of a render's correctness: when the store fails it (a server
/// just restarted, a dropped connection), the render's entry is stored all the same and the next request is a hit.
/// </summary>
public sealed class TagCounterExtensionFailureTests
{
    [Fact]
    public async Task GetOrRenderAsync_CounterExtensionFails_EntryStoredAndServed()
    {
        var store = new ExtensionFailingStore(new MemoryCacheStore(TimeProvider.System));
        await using var first = TestHost.Create(store, TimeProvider.System);
        await using var second = TestHost.Create(store, TimeProvider.System);
        var options = new FragmentCacheEntryOptions { Expiration = TimeSpan.FromMinutes(2), Tags = ["t"] };

        // The first host creates the counter; the second finds it and asks the store to lengthen it, which fails.
        await first.Fragments.GetOrRenderAsync("a", null, options, new RenderCounter().RenderAsync, TestContext.Current.CancellationToken);
        var renders = new RenderCounter();
        await second.Fragments.GetOrRenderAsync("b", null, options, renders.RenderAsync, TestContext.Current.CancellationToken);
        await second.Fragments.GetOrRenderAsync("b", null, options, renders.RenderAsync, TestContext.Current.CancellationToken);

        Assert.True(store.ExtensionsFailed > 0);
        Assert.Equal(1, renders.Calls);
    }

    private sealed class ExtensionFailingStore(MemoryCacheStore inner) : ForwardingLeaseStore(inner), ICacheLifetimeStore
    {
        private int _failed;

        public int ExtensionsFailed => Volatile.Read(ref _failed);

        public ValueTask<bool> ExtendAsync(string key, TimeSpan? lifetime, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _failed);
            throw new InvalidOperationException("store unavailable");
        }
    }
}
