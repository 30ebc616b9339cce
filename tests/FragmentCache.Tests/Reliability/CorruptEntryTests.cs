using System.Text;
using FragmentCache.Memcached;
using FragmentCache.Tests.Core;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Tests.Reliability;

/// <summary>
/// Garbage, truncated entries and entries of another format version written straight into memcached under a
/// fragment's key (found with <see cref="FragmentKey"/> and the key builder): each is a miss, the fragment is
/// rendered again, a line is logged, and nothing throws.
/// </summary>
[Collection(MemcachedCollection.Name)]
public sealed class CorruptEntryTests(MemcachedFixture fixture)
{
    private const string Html = "<p>fresh</p>";

    /// <summary>Event id of <c>FragmentEntryCorrupt</c> (Diagnostics/LoggerExtensions.cs).</summary>
    private const int EntryCorruptEventId = 20;

    /// <summary>Event id of <c>StoreOperationFailed</c>.</summary>
    private const int StoreFailedEventId = 10;

    public static TheoryData<string> Corruptions => new()
    {
        "empty", "garbage-1", "garbage-2", "garbage-3", "truncated-1", "truncated-11", "truncated-half", "truncated-last-byte",
        "version-0", "version-2", "version-255", "unknown-kind", "trailing-bytes", "content-length-huge", "key-length-huge",
        "invalid-utf8-key", "tag-count-huge",
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task GetOrRenderAsync_CorruptEntryUnderItsKey_MissRendersLogsAndHealsWithoutThrowing(string corruption)
    {
        await using var host = CreateHost();
        var vary = new object?[] { "user-7", corruption };
        var fullKey = FullKey(host, "corrupt", vary);
        var valid = FragmentEntryCodec.Encode(new FragmentEntry(FragmentKey.Create("corrupt", vary).Canonical, FragmentContentKind.Utf8Text,
            1_700_000_000_000, [], Encoding.UTF8.GetBytes("<p>old</p>")));
        var bytes = Corrupt(corruption, valid);
        await using (var writer = NewStore())
        {
            Assert.True(await writer.SetAsync(fullKey, new CacheItem(bytes, CacheItemFlags.Value | CacheItemFlags.RawBytes), TimeSpan.FromMinutes(5)));
        }

        var renderer = new RenderCounter(Html);
        var first = await host.Fragments.GetOrRenderAsync("corrupt", vary, null, renderer.RenderAsync, TestContext.Current.CancellationToken);
        var second = await host.Fragments.GetOrRenderAsync("corrupt", vary, null, renderer.RenderAsync, TestContext.Current.CancellationToken);

        Assert.Equal(Html, first);
        Assert.Equal(Html, second);
        Assert.Equal(1, renderer.Calls); // one re-render; the fresh entry replaced the corrupt one
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == EntryCorruptEventId);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0x8000_0100u)] // "Deflate-compressed" garbage
    [InlineData(0x8000_0200u)] // "Brotli-compressed" garbage
    [InlineData(0x8000_0300u)] // two compressions at once
    [InlineData(0xFFFF_FFFFu)]
    public async Task GetOrRenderAsync_ForeignItemUnderItsKey_MissRendersWithoutThrowing(uint flags)
    {
        await using var host = CreateHost();
        var vary = new object?[] { "foreign", flags };
        var fullKey = FullKey(host, "foreign", vary);
        var garbage = "\x01\x02 not a fragment \r\n END\r\n";
        Assert.Equal("STORED\r\n", await fixture.Server.RawAsync($"set {fullKey} {flags} 300 {garbage.Length}\r\n{garbage}\r\n"));

        var renderer = new RenderCounter(Html);
        var first = await host.Fragments.GetOrRenderAsync("foreign", vary, null, renderer.RenderAsync, TestContext.Current.CancellationToken);

        Assert.Equal(Html, first);
        Assert.Equal(1, renderer.Calls);
        if ((flags & CacheItemFlags.Value) != 0)
        {
            // Marked as a FragmentCache value but unreadable: logged (flags 0 is another application's item, a plain miss).
            Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id is EntryCorruptEventId or StoreFailedEventId);
        }
    }

    private static byte[] Corrupt(string corruption, byte[] valid)
    {
        var random = new Random(corruption.GetHashCode(StringComparison.Ordinal) & 0x7FFF);
        byte[] Garbage(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            bytes[0] = random.Next(2) == 0 ? (byte)1 : bytes[0]; // half of them pass the version check
            return bytes;
        }

        byte[] With(int index, byte value)
        {
            var copy = valid.ToArray();
            copy[index] = value;
            return copy;
        }

        return corruption switch
        {
            "empty" => [],
            "garbage-1" => Garbage(1),
            "garbage-2" => Garbage(13),
            "garbage-3" => Garbage(300),
            "truncated-1" => valid[..1],
            "truncated-11" => valid[..11],
            "truncated-half" => valid[..(valid.Length / 2)],
            "truncated-last-byte" => valid[..^1],
            "version-0" => With(0, 0),
            "version-2" => With(0, 2),
            "version-255" => With(0, 255),
            "unknown-kind" => With(1, 7),
            "trailing-bytes" => [.. valid, 0, (byte)'x'],
            "content-length-huge" => [.. valid[..^14], 0xFF, 0xFF, 0xFF, 0xFF, .. valid[^10..]],
            "key-length-huge" => With(10, 0xFF),
            "invalid-utf8-key" => With(12, 0xC3),
            "tag-count-huge" => With(12 + valid[11] + (valid[10] << 8), 200),
            _ => throw new ArgumentOutOfRangeException(nameof(corruption)),
        };
    }

    private TestHost CreateHost()
    {
        var keyPrefix = "corrupt" + Guid.NewGuid().ToString("N")[..8];
        return TestHost.Create(NewStore(), TimeProvider.System, o => o.KeyPrefix = keyPrefix);
    }

    private MemcachedCacheStore NewStore()
    {
        var options = TestClientOptions.For(fixture.Address);
        return new MemcachedCacheStore(options);
    }

    private static string FullKey(TestHost host, string name, object?[] vary)
    {
        var keys = host.Services.GetRequiredService<CacheKeyBuilder>();
        return keys.Build(FragmentKey.Create(name, vary).StoreKey, keys.DefaultVersion);
    }
}
