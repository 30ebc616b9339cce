using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Core;

/// <summary>The same contract every store passes, against a real memcached.</summary>
public sealed class MemcachedCacheStoreContractTests : CacheStoreContractTests, IAsyncLifetime
{
    private MemcachedProcess? _server;

    public async ValueTask InitializeAsync() => _server = await MemcachedProcess.StartAsync();

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    protected override ICacheStore CreateStore()
    {
        var options = TestClientOptions.For(_server!.Address);
        return new MemcachedCacheStore(options);
    }

    // memcached expires items by its own clock, in whole seconds: real time has to pass.
    protected override async ValueTask AdvanceTimeAsync(TimeSpan by) => await Task.Delay(by + TimeSpan.FromSeconds(1));
}

/// <summary>The lease contract against a real memcached: N/R/W/Z/X mapped one to one.</summary>
[Collection(MemcachedCollection.Name)]
public sealed class MemcachedCacheStoreLeaseContractTests(MemcachedFixture fixture) : CacheLeaseStoreContractTests
{
    protected override ICacheStore CreateStore()
    {
        var options = TestClientOptions.For(fixture.Address);
        return new MemcachedCacheStore(options);
    }

    protected override async ValueTask AdvanceTimeAsync(TimeSpan by) => await Task.Delay(by + TimeSpan.FromSeconds(1));
}
