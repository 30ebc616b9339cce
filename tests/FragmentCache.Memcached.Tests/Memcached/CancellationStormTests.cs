using System.Diagnostics;
using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Memcached;

/// <summary>
/// Many callers on one client, half of them cancelled or timed out mid-flight: a cancelled caller abandons its
/// wait, the reader still consumes its reply, and no caller ever gets another key's value. Every value names
/// its key, so a single out-of-step reply is caught.
/// </summary>
public sealed class CancellationStormTests
{
    private const int Keys = 1000;

    [Fact]
    public async Task Storm_HalfCancelledMidFlight_ZeroWrongValues()
    {
        await using var server = await MemcachedProcess.StartAsync();
        var options = new MemcachedClientOptions { ConnectionsPerServer = 2, OperationTimeout = TimeSpan.FromSeconds(5) };
        options.Servers.Add(server.Address);
        await using var client = new MemcachedClient(options);
        for (int i = 0; i < Keys; i++)
        {
            Assert.True(await client.SetAsync("storm:" + i, "value of storm:" + i));
        }

        var result = await RunStormAsync(client, totalOperations: 100_000, callers: 64, deadline: TimeSpan.FromSeconds(60));

        Assert.Equal(0, result.Wrong);
        Assert.Equal(100_000, result.Completed + result.Cancelled + result.Failed);
        Assert.True(result.Cancelled > 10_000, $"only {result.Cancelled} operations were cancelled");
        Assert.True(result.Completed > 10_000, $"only {result.Completed} operations completed");
        // The connections are still in step: every key reads back right.
        for (int i = 0; i < Keys; i += 97)
        {
            Assert.Equal("value of storm:" + i, await client.GetAsync<string>("storm:" + i));
        }
    }

    [Fact]
    public async Task Storm_TimeoutsFromStalls_ZeroWrongValues()
    {
        await using var server = await MemcachedProcess.StartAsync();
        await using var proxy = new FaultProxy(server);
        var options = new MemcachedClientOptions
        {
            ConnectionsPerServer = 2,
            OperationTimeout = TimeSpan.FromMilliseconds(100),
            BreakDuration = TimeSpan.FromMilliseconds(50),
            MaxBreakDuration = TimeSpan.FromMilliseconds(200),
            FailureThreshold = 1000,
        };
        options.Servers.Add(proxy.Address);
        await using var client = new MemcachedClient(options);
        for (int i = 0; i < Keys; i++)
        {
            await client.SetAsync("storm:" + i, "value of storm:" + i);
        }

        using var stop = new CancellationTokenSource();
        var staller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(150);
                proxy.Stall();
                await Task.Delay(250);
                proxy.Resume();
            }
        });
        var result = await RunStormAsync(client, totalOperations: 20_000, callers: 32, deadline: TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await staller;
        proxy.Resume();

        Assert.Equal(0, result.Wrong);
        Assert.True(result.Failed > 0, "no operation timed out: the stalls did not bite");
        Assert.True(result.Completed > 0);
    }

    private static async Task<StormResult> RunStormAsync(MemcachedClient client, int totalOperations, int callers, TimeSpan deadline)
    {
        int next = -1, completed = 0, cancelled = 0, failed = 0, wrong = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, callers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (Interlocked.Increment(ref next) < totalOperations && clock.Elapsed < deadline)
            {
                int key = random.Next(Keys);
                using var cts = new CancellationTokenSource();
                bool cancel = random.Next(2) == 0;
                var pending = client.GetItemAsync("storm:" + key, default, cts.Token);
                if (cancel)
                {
                    if (random.Next(2) == 0)
                    {
                        await Task.Yield();
                    }

                    await cts.CancelAsync();
                }

                try
                {
                    var item = await pending;
                    if (!item.IsHit)
                    {
                        Interlocked.Increment(ref failed);
                    }
                    else if (item.GetValue<string>() == "value of storm:" + key)
                    {
                        Interlocked.Increment(ref completed);
                    }
                    else
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return new StormResult(completed, cancelled, failed, wrong);
    }

    private sealed record StormResult(int Completed, int Cancelled, int Failed, int Wrong);
}
