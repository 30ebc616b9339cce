using System.Diagnostics;
using System.Text;
using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Memcached;

/// <summary>
/// Faults between the client and a real memcached, injected by <see cref="FaultProxy"/>: the client must
/// recover, never hang past its timeout, and never return another key's value.
/// </summary>
public sealed class MemcachedFaultTests
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromMilliseconds(200);

    private static MemcachedClient CreateClient(string address, int connections = 2)
    {
        var options = new MemcachedClientOptions
        {
            OperationTimeout = OperationTimeout,
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
            BreakDuration = TimeSpan.FromMilliseconds(100),
            MaxBreakDuration = TimeSpan.FromMilliseconds(400),
            ConnectionsPerServer = connections,
        };
        options.Servers.Add(address);
        return new MemcachedClient(options);
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> attempt, Func<T, bool> done, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await attempt();
            if (done(value) || clock.Elapsed > within)
            {
                return value;
            }

            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task ServerKilledAndRestarted_MissesWhileDown_RecoversAfter()
    {
        await using var server = await MemcachedProcess.StartAsync();
        await using var client = CreateClient(server.Address);
        Assert.True(await client.SetAsync("k", "v1"));

        await server.KillAsync();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 20; i++)
        {
            var item = await client.GetItemAsync("k");
            Assert.Equal(MemcachedItemStatus.Failed, item.Status);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"20 gets against a dead server took {clock.Elapsed}");
        // Reconnect attempts keep failing, so the breaker opens: from then on the keys are misses without any I/O.
        var down = await EventuallyAsync(async () => (await client.GetItemAsync("k"), client.GetServerStatuses()[0]).Item2,
            status => !status.IsAvailable, TimeSpan.FromSeconds(5));
        Assert.False(down.IsAvailable);
        Assert.NotNull(down.LastError);

        await server.RestartAsync();
        var stored = await EventuallyAsync(() => client.SetAsync("k", "v2").AsTask(), ok => ok, TimeSpan.FromSeconds(10));
        Assert.True(stored);
        Assert.Equal("v2", await client.GetAsync<string>("k"));
        Assert.True(client.GetServerStatuses()[0].IsAvailable);
    }

    [Fact]
    public async Task StalledServer_RequestsFailWithinTimeout_AndRecoverAfterResume()
    {
        await using var server = await MemcachedProcess.StartAsync();
        await using var proxy = new FaultProxy(server);
        await using var client = CreateClient(proxy.Address);
        Assert.True(await client.SetAsync("k", "v"));

        proxy.Stall();
        var clock = Stopwatch.StartNew();
        var stalled = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.GetItemAsync("k").AsTask()));
        clock.Stop();
        Assert.All(stalled, item => Assert.Equal(MemcachedItemStatus.Failed, item.Status));
        // The watchdog checks every timeout/5, so a stalled request fails soon after its timeout; the bound
        // leaves room for a loaded CI machine while still proving nothing waits for the stall to end.
        Assert.True(clock.Elapsed < OperationTimeout * 10, $"stalled requests took {clock.Elapsed}");

        proxy.Resume();
        var value = await EventuallyAsync(() => client.GetAsync<string>("k").AsTask(), v => v == "v", TimeSpan.FromSeconds(10));
        Assert.Equal("v", value);
    }

    [Fact]
    public async Task ResetMidValue_IsAFailureNeverATruncatedValue()
    {
        await using var server = await MemcachedProcess.StartAsync();
        await using var proxy = new FaultProxy(server);
        await using var client = CreateClient(proxy.Address, connections: 1);
        var big = new byte[200_000];
        Random.Shared.NextBytes(big);
        Assert.True(await client.SetAsync("big", big));

        proxy.CutAfterBytes(5_000);
        var cut = await client.GetItemAsync("big");
        Assert.Equal(MemcachedItemStatus.Failed, cut.Status);

        var whole = await EventuallyAsync(() => client.GetAsync<byte[]>("big").AsTask(), v => v is not null, TimeSpan.FromSeconds(10));
        Assert.Equal(big, whole);
    }

    [Theory]
    [InlineData("VA 5 O1\r\nwrong\r\n")]
    [InlineData("HD O77\r\n")]
    [InlineData("\x01\x02garbage without a newline")]
    [InlineData("SERVER_ERROR out of memory\r\nEN O2\r\n")]
    [InlineData("VA 999999999999 O1\r\n")]
    public async Task GarbageInReplies_FailsTheConnection_NeverReturnsAWrongValue(string garbage)
    {
        await using var server = await MemcachedProcess.StartAsync();
        await using var proxy = new FaultProxy(server);
        await using var client = CreateClient(proxy.Address, connections: 1);
        for (int i = 0; i < 20; i++)
        {
            await client.SetAsync("g:" + i, "value of g:" + i);
        }

        proxy.InjectGarbageOnce(Encoding.Latin1.GetBytes(garbage));
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.GetAsync<string>("g:" + i).AsTask()));
        for (int i = 0; i < results.Length; i++)
        {
            Assert.True(results[i] is null || results[i] == "value of g:" + i, $"g:{i} returned '{results[i]}'");
        }

        Assert.Contains(results, r => r is null);
        var after = await EventuallyAsync(() => client.GetAsync<string>("g:3").AsTask(), v => v is not null, TimeSpan.FromSeconds(10));
        Assert.Equal("value of g:3", after);
    }

    [Fact]
    public async Task FakeServer_ReplyForAnotherRequest_IsDetectedAsDesync()
    {
        // A server that answers every mg with a hit tagged with the wrong opaque: the client must refuse it.
        await using var fake = new FakeServer(FakeServer.Answering("mg ", "VA 5 f2147483649 O424242\r\nother\r\n"));
        await using var client = CreateClient(fake.Address, connections: 1);

        var item = await client.GetItemAsync("mine");
        Assert.Equal(MemcachedItemStatus.Failed, item.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FakeServer_GarbageValueHeaderWithoutItsData_FailsAtOnceNotAtTheTimeout(bool many)
    {
        // "VA 99999999" is a well-formed header whose data never comes. Its opaque (or index and key) is not the
        // request's, so the client must fail the connection on the header, not wait out the operation timeout.
        await using var fake = new FakeServer(FakeServer.Answering("mg ", "VA 99999999 O424242 kother\r\nxx"));
        var options = new MemcachedClientOptions
        {
            OperationTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ConnectionsPerServer = 1,
            ThrowOnError = true,
        };
        options.Servers.Add(fake.Address);
        await using var client = new MemcachedClient(options);

        Task attempt = many
            ? client.GetManyAsync<string>(["a", "b"], TestContext.Current.CancellationToken)
            : client.GetItemAsync("a", default, TestContext.Current.CancellationToken).AsTask();
        var error = await Assert.ThrowsAnyAsync<MemcachedException>(() => attempt.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        Assert.IsNotType<TimeoutException>(error.InnerException);
        Assert.Contains(many ? "multi-get" : "out of step", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FakeServer_OverlongHeaderLine_FailsInsteadOfBuffering()
    {
        await using var fake = new FakeServer(async (stream, token) =>
        {
            while (await FakeServer.ReadLineAsync(stream, token) is { } line)
            {
                if (line == "mn")
                {
                    await FakeServer.WriteAsync(stream, "MN\r\n", token);
                }
                else
                {
                    await FakeServer.WriteAsync(stream, "VA 1 " + new string('x', 20_000), token);
                }
            }
        });
        await using var client = CreateClient(fake.Address, connections: 1);

        var clock = Stopwatch.StartNew();
        var item = await client.GetItemAsync("k");
        Assert.Equal(MemcachedItemStatus.Failed, item.Status);
        Assert.True(clock.Elapsed < OperationTimeout * 10, $"took {clock.Elapsed}");
    }
}
