using System.Net;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>
/// Page hits over a real memcached read the stored page into a pooled buffer and write the body from it: the bodies are
/// the rendered ones, and the buffer goes back to its pool (which poisons it) only once nothing writes from it, also when
/// the request is cancelled or the client goes away in the middle of the body.
/// </summary>
public sealed class PooledPageHitTests
{
    private const string Page = "/Pages/Index";
    private const string HoldHeader = "X-Test-Hold-Body";

    [Fact]
    public async Task CachePage_HitsOverMemcached_IdenticalBodiesFromPooledBuffersAllReturned()
    {
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var body = new HoldingBody();
        await using var factory = NewFactory(memcached, body);
        var client = factory.CreateClient();
        var pool = UsePool(factory);

        var (first, rendered) = await client.SendAsync(Page);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var hits = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            hits.Add((await client.SendAsync(Page)).Body);
        }

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.SendAsync(Page)));
        hits.AddRange(concurrent.Select(r => r.Body));

        Assert.All(hits, hit => Assert.Equal(rendered, hit));
        Assert.Equal(1, factory.Counter.Count("pages-index"));
        Assert.True(pool.Rented >= 6, $"{pool.Rented} buffers rented for 13 hits");
        await WaitUntilAsync(() => pool.Outstanding == 0);
        Assert.Equal(pool.Rented, pool.Returned);
        Assert.Empty(pool.Errors);
        Assert.Empty(body.Changed);
    }

    [Fact]
    public async Task CachePage_RequestCancelledMidWrite_BufferReturnedOnlyAfterTheWriteEnds()
    {
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var body = new HoldingBody();
        await using var factory = NewFactory(memcached, body);
        var client = factory.CreateClient();
        var pool = UsePool(factory);
        var (_, rendered) = await client.SendAsync(Page);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, Page);
        request.Headers.Add(HoldHeader, "1");
        var sent = client.SendAsync(request, cancel.Token);
        var held = await body.Holding.Task.WaitAsync(KestrelHost.ReadTimeout, TestContext.Current.CancellationToken);
        Assert.Equal(rendered, held);
        Assert.Equal(1, pool.Outstanding); // the hit's buffer, written from while the write is held

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sent);

        await WaitUntilAsync(() => pool.Outstanding == 0);
        Assert.Equal(1, body.Released);
        Assert.Empty(body.Changed);
        Assert.Equal(pool.Rented, pool.Returned);
        Assert.Empty(pool.Errors);
        Assert.Equal(rendered, (await client.SendAsync(Page)).Body);
    }

    [Fact]
    public async Task CachePage_ClientDisconnectsMidBody_BufferReturnedOnlyAfterTheWriteEnds()
    {
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var body = new HoldingBody { PassFirst = 4 };
        await using var factory = NewFactory(memcached, body);
        using var client = KestrelHost.Start(factory);
        var pool = UsePool(factory);
        var (_, rendered) = await client.SendAsync(Page);

        using (var request = new HttpRequestMessage(HttpMethod.Get, Page))
        {
            request.Headers.Add(HoldHeader, "1");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(KestrelHost.ReadTimeout);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var start = await KestrelHost.ReadUntilAsync(stream, rendered[..4]);
            Assert.Equal(rendered[..4], start);
            await body.Holding.Task.WaitAsync(KestrelHost.ReadTimeout, TestContext.Current.CancellationToken);
            Assert.Equal(1, pool.Outstanding);

            // The client goes away with the rest of the body unread.
            client.CancelPendingRequests();
        }

        client.Dispose();
        await WaitUntilAsync(() => pool.Outstanding == 0);
        Assert.Equal(1, body.Released);
        Assert.Empty(body.Changed);
        Assert.Equal(pool.Rented, pool.Returned);
        Assert.Empty(pool.Errors);
    }

    private static TestAppFactory NewFactory(MemcachedProcess memcached, HoldingBody body) =>
        new("127.0.0.1:" + memcached.Port, new FakeTimeProvider(TestAppFactory.Start), configure: services =>
            services.AddSingleton<IStartupFilter>(new HoldingBodyFilter(body)));

    private static CheckingArrayPool UsePool(TestAppFactory factory)
    {
        var pool = new CheckingArrayPool();
        ((DefaultFragmentCache)factory.Services.GetRequiredService<IFragmentCache>()).ValuePool = pool;
        return pool;
    }

    /// <summary>Waits (bounded: 30 s, polled) for the server to finish with a request the client is done with.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), "The server did not finish with the request within 30 s.");
    }

    /// <summary>Puts <see cref="HoldingBody"/> in front of the app.</summary>
    private sealed class HoldingBodyFilter(HoldingBody body) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, run) =>
            {
                if (context.Request.Headers.ContainsKey(HoldHeader))
                {
                    context.Response.Body = new HoldingBody.Stream(body, context.Response.Body);
                }

                await run(context);
            });
            next(app);
        };
    }

    /// <summary>
    /// A response body that holds the first write of a request (after passing <see cref="PassFirst"/> bytes on) until the
    /// request is aborted, and checks that the memory it was given still holds the same bytes when the write ends: a
    /// buffer returned to the pool meanwhile would be poisoned (or refuse to be read).
    /// </summary>
    private sealed class HoldingBody
    {
        private int _released;

        public int PassFirst { get; init; }

        public TaskCompletionSource<string> Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Changed { get; } = [];

        public int Released => Volatile.Read(ref _released);

        public sealed class Stream(HoldingBody owner, System.IO.Stream inner) : System.IO.Stream
        {
            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Flush() => inner.Flush();

            public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

            public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                var snapshot = buffer.ToArray();
                try
                {
                    if (owner.PassFirst > 0)
                    {
                        await inner.WriteAsync(buffer[..owner.PassFirst], cancellationToken);
                        await inner.FlushAsync(cancellationToken);
                    }

                    owner.Holding.TrySetResult(System.Text.Encoding.UTF8.GetString(snapshot));
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                finally
                {
                    string? change = null;
                    try
                    {
                        if (!buffer.Span.SequenceEqual(snapshot))
                        {
                            change = "The bytes being written changed before the write ended.";
                        }
                    }
                    catch (ObjectDisposedException ex)
                    {
                        change = "The buffer being written was returned before the write ended: " + ex.Message;
                    }

                    if (change is not null)
                    {
                        lock (owner.Changed)
                        {
                            owner.Changed.Add(change);
                        }
                    }

                    Interlocked.Increment(ref owner._released);
                }
            }
        }
    }
}
