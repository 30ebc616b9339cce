using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Memcached;

/// <summary>The lease calls stampede protection builds on: vivify on miss, early recache, serve-stale.</summary>
[Collection(MemcachedCollection.Name)]
public sealed class MemcachedLeaseTests(MemcachedFixture fixture) : IAsyncLifetime
{
    private static readonly MemcachedGetOptions Lease = new() { LeaseTime = TimeSpan.FromSeconds(30) };
    private MemcachedClient _client = null!;

    public ValueTask InitializeAsync()
    {
        var options = TestClientOptions.For(fixture.Address);
        _client = new MemcachedClient(options);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private static string Key(string name) => $"lease-tests:{name}:{Guid.NewGuid():N}";

    [Fact]
    public async Task GetItemAsync_LeaseOnMiss_FirstCallerWinsOthersSeeLeaseTaken()
    {
        var key = Key("vivify");
        var first = await _client.GetItemAsync(key, Lease);
        var second = await _client.GetItemAsync(key, Lease);

        Assert.Equal(MemcachedItemStatus.Miss, first.Status);
        Assert.True(first.Won);
        Assert.NotEqual(0UL, first.Cas);
        Assert.Equal(MemcachedItemStatus.Miss, second.Status);
        Assert.False(second.Won);
        Assert.True(second.LeaseTaken);

        // Only the winner's CAS may fill the placeholder.
        Assert.Equal(MemcachedStoreResult.Exists, await _client.StoreAsync(MemcachedStoreMode.Set, key, "loser", cas: first.Cas + 1000));
        Assert.Equal(MemcachedStoreResult.Stored, await _client.StoreAsync(MemcachedStoreMode.Set, key, "<p>winner</p>", TimeSpan.FromMinutes(5), first.Cas));
        var hit = await _client.GetItemAsync(key, Lease);
        Assert.True(hit.IsHit);
        Assert.False(hit.Won);
        Assert.False(hit.LeaseTaken);
        Assert.Equal("<p>winner</p>", hit.GetValue<string>());
    }

    [Fact]
    public async Task GetItemAsync_PlaceholderIsNeverMistakenForAnEmptyValue()
    {
        string stub = Key("stub"), empty = Key("empty");
        await _client.GetItemAsync(stub, Lease);
        await _client.SetAsync(empty, string.Empty);

        Assert.False((await _client.GetItemAsync(stub)).IsHit);
        Assert.Null(await _client.GetAsync<string>(stub));
        Assert.True((await _client.GetItemAsync(empty, Lease)).IsHit);
    }

    [Fact]
    public async Task GetItemAsync_RecacheWindow_OneCallerWinsEarlyRecacheWhileAllGetTheValue()
    {
        var key = Key("recache");
        await _client.SetAsync(key, "old", TimeSpan.FromSeconds(20));
        var options = new MemcachedGetOptions { RecacheWindow = TimeSpan.FromSeconds(60) };
        var first = await _client.GetItemAsync(key, options);
        var second = await _client.GetItemAsync(key, options);

        Assert.True(first.IsHit && second.IsHit);
        Assert.True(first.Won);
        Assert.False(second.Won);
        Assert.True(second.LeaseTaken);
        Assert.Equal("old", second.GetValue<string>());
    }

    [Fact]
    public async Task InvalidateAsync_MarksStale_ReadersStillGetOldValueAndOneWins()
    {
        var key = Key("stale");
        await _client.SetAsync(key, "old", TimeSpan.FromMinutes(5));
        Assert.True(await _client.InvalidateAsync(key, TimeSpan.FromSeconds(30)));
        var first = await _client.GetItemAsync(key, Lease);
        var second = await _client.GetItemAsync(key, Lease);

        Assert.True(first.IsHit && first.Stale && first.Won);
        Assert.True(second.IsHit && second.Stale && second.LeaseTaken);
        Assert.Equal("old", second.GetValue<string>());

        Assert.Equal(MemcachedStoreResult.Stored, await _client.StoreAsync(MemcachedStoreMode.Set, key, "new", TimeSpan.FromMinutes(5), first.Cas));
        var fresh = await _client.GetItemAsync(key, Lease);
        Assert.False(fresh.Stale);
        Assert.Equal("new", fresh.GetValue<string>());
        Assert.False(await _client.InvalidateAsync(Key("none"), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task DeleteAsync_ReleasesALeaseSoTheNextCallerWins()
    {
        var key = Key("release");
        var winner = await _client.GetItemAsync(key, Lease);
        Assert.True(winner.Won);
        await _client.DeleteAsync(key);
        var next = await _client.GetItemAsync(key, Lease);
        Assert.True(next.Won);
    }
}
