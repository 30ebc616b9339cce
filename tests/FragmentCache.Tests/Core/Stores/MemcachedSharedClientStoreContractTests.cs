using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Core;

/// <summary>
/// The store contracts against a real memcached through the store <c>UseMemcached</c> builds: over a shared client whose
/// own failures are misses (<see cref="MemcachedClientOptions.ThrowOnError"/> off), which the store sees as exceptions.
/// </summary>
public sealed class MemcachedSharedClientStoreContractTests : CacheStoreContractTests, IAsyncLifetime
{
    private MemcachedProcess? _server;
    private MemcachedClient? _client;

    public async ValueTask InitializeAsync() => _server = await MemcachedProcess.StartAsync();

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    protected override ICacheStore CreateStore()
    {
        _client = new MemcachedClient(TestClientOptions.For(_server!.Address));
        return new MemcachedCacheStore(_client);
    }

    // memcached expires items by its own clock, in whole seconds: real time has to pass.
    protected override async ValueTask AdvanceTimeAsync(TimeSpan by) => await Task.Delay(by + TimeSpan.FromSeconds(1));
}

/// <summary>The lease contract through a shared client, as <c>UseMemcached</c> builds the main store.</summary>
[Collection(MemcachedCollection.Name)]
public sealed class MemcachedSharedClientLeaseContractTests(MemcachedFixture fixture) : CacheLeaseStoreContractTests, IAsyncDisposable
{
    private MemcachedClient? _client;

    public async ValueTask DisposeAsync()
    {
        Dispose();
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }

    protected override ICacheStore CreateStore()
    {
        _client = new MemcachedClient(TestClientOptions.For(fixture.Address));
        return new MemcachedCacheStore(_client);
    }

    protected override async ValueTask AdvanceTimeAsync(TimeSpan by) => await Task.Delay(by + TimeSpan.FromSeconds(1));
}
