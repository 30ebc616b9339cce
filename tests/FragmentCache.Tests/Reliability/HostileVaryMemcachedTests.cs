using CsCheck;
using FragmentCache.Memcached;
using FragmentCache.Tests.Core;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Reliability;

/// <summary>
/// Hostile vary values through the fragment cache over the real Memcached store and a real memcached of its own:
/// no command injection (item count, a canary key and the server's command counters all match a benign run of
/// the same shape), no exception, one render per distinct value and a hit after it.
/// </summary>
public sealed class HostileVaryMemcachedTests
{
    private const int ListsPerSample = 25;

    private static readonly string[] Counters =
        ["cmd_get", "cmd_set", "cmd_touch", "cmd_flush", "get_hits", "get_misses", "delete_hits", "delete_misses", "touch_hits", "curr_items", "total_items"];

    [Fact]
    public async Task GetOrRenderAsync_HostileVaryValues_NoInjectionNoExceptionSameCommandsAsBenign()
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("STORED\r\n", await server.RawAsync("set canary 0 0 5\r\nhello\r\n"));
        int run = 0;

        var lists = HostileGen.VaryList(allowHuge: false).Array[ListsPerSample, ListsPerSample];
        await lists.SampleAsync(async hostile =>
        {
            // Distinct lists only, so the benign twin run has exactly the same shape.
            var distinct = hostile.DistinctBy(v => FragmentKey.Create("hostile", v).Canonical).ToList();
            var benign = Enumerable.Range(0, distinct.Count).Select(i => new object?[] { "benign-" + i }).ToList();

            var hostileDelta = await RunAsync(server, "h" + run, distinct);
            var benignDelta = await RunAsync(server, "b" + run, benign);
            run++;

            Assert.Equal("VALUE canary 0 5\r\nhello\r\nEND\r\n", await server.RawAsync("get canary\r\n", "END\r\n"));
            foreach (var counter in Counters)
            {
                Assert.True(benignDelta[counter] == hostileDelta[counter],
                    $"{counter}: hostile run changed it by {hostileDelta[counter]}, a benign run of the same shape by {benignDelta[counter]}");
            }

            Assert.Equal(distinct.Count, hostileDelta["curr_items"]);
        }, iter: 3, threads: 1, print: lists => string.Join(" | ", lists.Select(v => string.Join(", ", v.Select(x => x is string s ? HostileGen.Escape(s) : "null")))));
    }

    [Theory]
    [InlineData("x", 64 * 1024)]
    [InlineData("\r\n", 32 * 1024)]
    [InlineData("\uD800", 64 * 1024)]
    [InlineData("é", 40 * 1024)]
    public async Task GetOrRenderAsync_64KbVaryValue_RendersWithoutExceptionAndLeavesServerIntact(string unit, int repeat)
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("STORED\r\n", await server.RawAsync("set canary 0 0 5\r\nhello\r\n"));
        var options = TestClientOptions.For(server.Address);
        await using var store = new MemcachedCacheStore(options);
        await using var host = TestHost.Create(store, TimeProvider.System, o => o.KeyPrefix = "huge");
        var vary = string.Concat(Enumerable.Repeat(unit, repeat));
        var renderer = new RenderCounter("<p>huge</p>");

        var first = await host.Fragments.GetOrRenderAsync("huge", [vary], null, renderer.RenderAsync, TestContext.Current.CancellationToken);
        var second = await host.Fragments.GetOrRenderAsync("huge", [vary, "other"], null, renderer.RenderAsync, TestContext.Current.CancellationToken);
        var byName = await host.Fragments.GetOrRenderAsync(vary, null, null, renderer.RenderAsync, TestContext.Current.CancellationToken);

        Assert.Equal("<p>huge</p>", first);
        Assert.Equal("<p>huge</p>", second);
        Assert.Equal("<p>huge</p>", byName);
        Assert.Equal("VALUE canary 0 5\r\nhello\r\nEND\r\n", await server.RawAsync("get canary\r\n", "END\r\n"));
        Assert.Equal("ERROR\r\n", await server.RawAsync("x\r\n"));
    }

    private static async Task<Dictionary<string, long>> RunAsync(MemcachedProcess server, string prefix, List<object?[]> lists)
    {
        // The host owns (and disposes) its store: one per run. ThrowOnError so that no failure hides as a miss.
        var options = new MemcachedClientOptions { ThrowOnError = true };
        options.Servers.Add(server.Address);
        var store = new MemcachedCacheStore(options);
        await using var host = TestHost.Create(store, TimeProvider.System, o => o.KeyPrefix = prefix);
        var before = await server.StatsAsync();
        for (int i = 0; i < lists.Count; i++)
        {
            var renderer = new RenderCounter("<p>" + i + "</p>");
            var first = await host.Fragments.GetOrRenderAsync("hostile", lists[i], null, renderer.RenderAsync);
            var second = await host.Fragments.GetOrRenderAsync("hostile", lists[i], null, renderer.RenderAsync);
            Assert.Equal("<p>" + i + "</p>", first);
            Assert.Equal(first, second);
            Assert.True(renderer.Calls == 1, $"rendered {renderer.Calls} times (no hit after the first render) for [{string.Join(", ", lists[i].Select(x => x is string s ? HostileGen.Escape(s) : "null"))}]; logs: {string.Join(" / ", host.Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception))}");
        }

        var after = await server.StatsAsync();
        return Counters.ToDictionary(c => c, c => long.Parse(after[c], System.Globalization.CultureInfo.InvariantCulture) - long.Parse(before[c], System.Globalization.CultureInfo.InvariantCulture));
    }
}
