using System.Diagnostics;
using FragmentCache.Memcached;
using FragmentCache.Memcached.Connections;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Memcached;

/// <summary>
/// The connection's reader resumes callers itself, right after each read. A continuation that blocks the reader must
/// not hold up anyone else's reply (the heartbeat hands the reader role to a new loop), and callers cancelling each other
/// from inside those continuations must leave the stream in step. One connection per server, so every caller shares
/// the reader the blocked continuation holds.
/// </summary>
public sealed class InlineCompletionTests
{
    private const int Keys = 200;

    [Fact]
    public async Task AContinuationThatBlocks_OtherCallersStillGetTheirReplies()
    {
        await using var server = await MemcachedProcess.StartAsync();
        var options = TestClientOptions.For(server.Address);
        options.ConnectionsPerServer = 1;
        await using var client = new MemcachedClient(options);
        await FillAsync(client);
        long takeoversBefore = Interlocked.Read(ref MemcachedConnection.s_readerTakeovers);

        using var blocking = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var blocker = Task.Run(async () =>
        {
            for (int attempt = 0; attempt < 10_000; attempt++)
            {
                var value = await client.GetAsync<string>("inline:0").ConfigureAwait(false);
                if (CompletionBatch.CurrentSource is null)
                {
                    // The reply beat the await (the get completed synchronously): not resumed by a delivery, try again.
                    continue;
                }

                // Resumed by the delivery of the reply, on the thread that delivers it: hold that thread until released.
                blocking.Set();
                Assert.True(release.Wait(TimeSpan.FromSeconds(60)), "never released");
                return value;
            }

            throw new InvalidOperationException("Every get completed synchronously.");
        });
        Assert.True(await Task.Run(() => blocking.Wait(TimeSpan.FromSeconds(30)), TestContext.Current.CancellationToken));

        // While it blocks, 100 other gets on the same (only) connection are answered, each with its own key's value.
        var others = await Task.WhenAll(Enumerable.Range(1, 100).Select(i =>
            Task.Run(() => client.GetAsync<string>("inline:" + (i % Keys)).AsTask())))
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.False(release.IsSet);
        for (int i = 1; i <= 100; i++)
        {
            Assert.Equal("value of inline:" + (i % Keys), others[i - 1]);
        }

        release.Set();
        Assert.Equal("value of inline:0", await blocker.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.True(Interlocked.Read(ref MemcachedConnection.s_readerTakeovers) > takeoversBefore, "no new reader took over");
        await AssertInStepAsync(client);
    }

    [Fact]
    public async Task AContinuationThatDisposesTheClientSynchronously_DoesNotWaitForItself()
    {
        await using var server = await MemcachedProcess.StartAsync();
        var options = TestClientOptions.For(server.Address);
        options.ConnectionsPerServer = 1;
        await using var owner = new MemcachedClient(options);
        await FillAsync(owner);

        // A get resumed by the reader's delivery, whose continuation then disposes the client with the blocking Dispose,
        // as a test class or a using block ending right after an await does.
        var disposer = Task.Run(async () =>
        {
            for (int attempt = 0; attempt < 1_000; attempt++)
            {
                var client = new MemcachedClient(options);
                var value = await client.GetAsync<string>("inline:" + (attempt % Keys)).ConfigureAwait(false);
                bool resumedByDelivery = CompletionBatch.CurrentSource is not null;
                client.Dispose();
                Assert.Equal("value of inline:" + (attempt % Keys), value);
                if (resumedByDelivery)
                {
                    return attempt;
                }
            }

            throw new InvalidOperationException("No get was resumed by a delivery.");
        });

        await disposer.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task CallersCancellingEachOtherFromInsideContinuations_ZeroWrongValuesAndStreamInStep()
    {
        await using var server = await MemcachedProcess.StartAsync();
        var options = TestClientOptions.For(server.Address);
        options.ConnectionsPerServer = 1;
        await using var client = new MemcachedClient(options);
        await FillAsync(client);

        const int callers = 48, totalOperations = 30_000;
        var tokens = new CancellationTokenSource?[callers];
        int next = -1, completed = 0, cancelled = 0, wrong = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, callers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (Interlocked.Increment(ref next) < totalOperations && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                int key = random.Next(Keys);
                using var cts = new CancellationTokenSource();
                Volatile.Write(ref tokens[worker], cts);
                try
                {
                    var item = await client.GetItemAsync("inline:" + key, default, cts.Token).ConfigureAwait(false);
                    // Running on the reader, mid-batch: cancel another caller whose request may sit in this same batch.
                    CancelQuietly(Volatile.Read(ref tokens[random.Next(callers)]));
                    if (item.IsHit && item.GetValue<string>() == "value of inline:" + key)
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
                finally
                {
                    Interlocked.CompareExchange(ref tokens[worker], null, cts);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);

        Assert.Equal(0, wrong);
        Assert.True(cancelled > 100, $"only {cancelled} operations were cancelled");
        Assert.True(completed > 1_000, $"only {completed} operations completed");
        await AssertInStepAsync(client);
    }

    private static void CancelQuietly(CancellationTokenSource? cts)
    {
        try
        {
            cts?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Its caller finished meanwhile.
        }
    }

    private static async Task FillAsync(MemcachedClient client)
    {
        for (int i = 0; i < Keys; i++)
        {
            Assert.True(await client.SetAsync("inline:" + i, "value of inline:" + i));
        }
    }

    private static async Task AssertInStepAsync(MemcachedClient client)
    {
        for (int i = 0; i < Keys; i += 7)
        {
            Assert.Equal("value of inline:" + i, await client.GetAsync<string>("inline:" + i));
        }
    }
}
