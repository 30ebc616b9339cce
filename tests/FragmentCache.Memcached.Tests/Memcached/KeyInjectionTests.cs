using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Memcached;

/// <summary>
/// Hostile keys go through the real client to a server of their own: none may run a second command, and
/// none may read or overwrite another key. The server's own counters prove it.
/// </summary>
public sealed class KeyInjectionTests
{
    private static readonly string[] Hostile =
    [
        "a b",
        "canary\r\nset canary 0 0 6\r\nhacked",
        "x\r\ndelete canary",
        "x\ndelete canary",
        "x\0delete canary",
        "\u007f",
        "tab\tkey",
        "canary ",
        " canary",
        new string('k', 251),
        string.Concat(Enumerable.Repeat("ключ🔑", 200)),
        "\uD800",
        "\uDBFF",
        "canary#sha256:abc",
        "",
    ];

    public static TheoryData<string> HostileKeys() => new(Hostile);

    [Theory]
    [MemberData(nameof(HostileKeys))]
    public async Task SetAndGet_HostileKey_RoundTripsWithoutTouchingOtherKeys(string hostile)
    {
        await using var server = await MemcachedProcess.StartAsync();
        var options = TestClientOptions.For(server.Address);
        await using var client = new MemcachedClient(options);
        await client.SetAsync("canary", "safe");

        Assert.True(await client.SetAsync(hostile, "hostile value"));
        Assert.Equal("hostile value", await client.GetAsync<string>(hostile));
        await client.DeleteAsync(hostile);
        await client.IncrementAsync(hostile, 1, initialValue: 1);

        Assert.Equal("safe", await client.GetAsync<string>("canary"));
        var stats = await server.StatsAsync();
        // Exactly two items (the canary and the hostile key's counter), and no command the client did not send.
        Assert.Equal(2, await server.ItemCountAsync());
        Assert.Equal("0", stats.GetValueOrDefault("cmd_flush", "0"));
        Assert.Equal("2", stats["cmd_set"]);
    }

    [Fact]
    public async Task DistinctHostileKeys_NeverShareAValue()
    {
        await using var server = await MemcachedProcess.StartAsync();
        var options = TestClientOptions.For(server.Address);
        await using var client = new MemcachedClient(options);
        var keys = Hostile;
        for (int i = 0; i < keys.Length; i++)
        {
            await client.SetAsync(keys[i], "value " + i);
        }

        for (int i = 0; i < keys.Length; i++)
        {
            Assert.Equal("value " + i, await client.GetAsync<string>(keys[i]));
        }

        Assert.Equal(keys.Length, await server.ItemCountAsync());
    }
}
