using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace FragmentCache.Tests.Core;

public sealed class DistributedCacheStoreTests
{
    private readonly MemoryDistributedCache _cache = new(Options.Create(new MemoryDistributedCacheOptions()));

    [Fact]
    public async Task GetAsync_ValueWithoutOurHeader_IsAMiss()
    {
        await _cache.SetAsync("k", "plain"u8.ToArray(), new DistributedCacheEntryOptions());
        Assert.Null(await new DistributedCacheStore(_cache).GetAsync("k"));
    }

    [Fact]
    public async Task SetAsync_Value_WritesHeaderWithBigEndianFlags()
    {
        await new DistributedCacheStore(_cache).SetAsync("k", new CacheItem("v"u8.ToArray(), 0x8000_0001u), null);
        Assert.Equal(new byte[] { 0xFC, 1, 0x80, 0, 0, 1, (byte)'v' }, await _cache.GetAsync("k"));
    }
}
