using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

/// <summary>
/// A tagged lookup reads the request's tag generations together with the entry. Those generations only confirm an
/// entry: when they look older than the entry's (a tag moved between the two reads), they are read again.
/// </summary>
public sealed class TaggedHitTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly MemoryCacheStore _memory;
    private readonly ReplayingCounterStore _store;
    private readonly TestHost _host;

    public TaggedHitTests()
    {
        _memory = new MemoryCacheStore(_time);
        _store = new ReplayingCounterStore(_memory);
        _host = TestHost.Create(_store, _time);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _memory.Dispose();
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public async Task GetOrRenderAsync_GenerationsReadWithTheEntryAreOlderThanIt_ReadAgainAndServed(bool leases, int tagCount)
    {
        await using var host = leases ? null : TestHost.Create(new PlainStore(_store), _time);
        var fragments = (host ?? _host).Fragments;
        var tags = _host.Services.GetRequiredService<TagGenerationStore>();
        var options = new FragmentCacheEntryOptions { Tags = new[] { "posts", "authors" }[..tagCount] };
        var renderer = new RenderCounter("v1");
        await fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync);
        var before = await _memory.GetManyAsync([.. options.Tags.Select(tags.CounterKey)]);
        await fragments.InvalidateTagAsync("posts");
        renderer.Output = "v2";
        Assert.Equal("v2", await fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync));

        // The next counter read answers with the generations from before the invalidation, as a read that raced it would.
        _store.ReplayOnce = before;
        Assert.Equal("v2", await fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync));
        Assert.Null(_store.ReplayOnce);
        Assert.Equal(2, renderer.Calls);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task GetOrRenderAsync_TaggedHit_ReadsTheCountersOnce(int tagCount)
    {
        var options = new FragmentCacheEntryOptions { Tags = new[] { "posts", "authors", "menus" }[..tagCount] };
        var renderer = new RenderCounter();
        await _host.Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync);
        var reads = _store.CounterReads;
        await _host.Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync);
        Assert.Equal(1, renderer.Calls);
        Assert.Equal(reads + 1, _store.CounterReads);
    }

    /// <summary>Counts reads of tag counters (one get or one get-many each) and can answer one with an old snapshot.</summary>
    private sealed class ReplayingCounterStore(MemoryCacheStore inner) : ForwardingLeaseStore(inner)
    {
        private int _reads;

        public IReadOnlyDictionary<string, CacheItem>? ReplayOnce { get; set; }

        public int CounterReads => Volatile.Read(ref _reads);

        private static bool IsCounter(string key) => key.Contains("fragment-tag:", StringComparison.Ordinal);

        public override ValueTask<CacheItem?> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            if (!IsCounter(key))
            {
                return base.GetAsync(key, cancellationToken);
            }

            Interlocked.Increment(ref _reads);
            return TakeReplay() is { } replay
                ? ValueTask.FromResult(replay.TryGetValue(key, out var old) ? old : (CacheItem?)null)
                : base.GetAsync(key, cancellationToken);
        }

        public override ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            if (!keys.Any(IsCounter))
            {
                return base.GetManyAsync(keys, cancellationToken);
            }

            Interlocked.Increment(ref _reads);
            return TakeReplay() is { } replay ? ValueTask.FromResult(replay) : base.GetManyAsync(keys, cancellationToken);
        }

        private IReadOnlyDictionary<string, CacheItem>? TakeReplay()
        {
            var replay = ReplayOnce;
            ReplayOnce = null;
            return replay;
        }
    }
}
