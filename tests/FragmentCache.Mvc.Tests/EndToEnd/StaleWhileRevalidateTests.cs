using FragmentCache.Mvc.TestApp.Services;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static FragmentCache.Mvc.Tests.Infrastructure.HttpHelpers;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// <c>&lt;memcache-fragment stale-while-revalidate&gt;</c> over HTTP on a real memcached: within the stale window only the
/// request that re-renders waits. The fragment expires after one second (memcached keeps whole seconds, so the tests let
/// a little over two real seconds pass) and may be served stale for thirty.
/// </summary>
public sealed class StaleWhileRevalidateTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Fragment_StaleWindowOnMemcached_20ConcurrentRequestsOnOneHost_OnlyTheReRenderingOneWaits()
    {
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var server = "127.0.0.1:" + memcached.Port;
        await using var host = new TestAppFactory(server, new FakeTimeProvider(TestAppFactory.Start), realClock: true);
        await using var other = new TestAppFactory(server, new FakeTimeProvider(TestAppFactory.Start), realClock: true);
        var client = host.CreateClient();
        var (_, first) = await client.SendAsync("/Revalidate");
        Assert.Equal(1, Count(first, "swr"));
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);

        var gate = host.Services.GetRequiredService<FragmentGate>();
        gate.Hold();
        var requests = Enumerable.Range(0, 20).Select(_ => Task.Run(async () => await client.SendAsync("/Revalidate"))).ToArray();
        await gate.Entered.WaitAsync(Bound, TestContext.Current.CancellationToken);
        for (var i = 0; i < 1000 && requests.Count(r => r.IsCompleted) < 19; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        // Nineteen got the old copy while the one re-render is still held; so does another host.
        var answered = requests.Where(r => r.IsCompleted).Select(r => r.Result).ToArray();
        Assert.Equal(19, answered.Length);
        Assert.All(answered, r => Assert.Equal(1, Count(r.Body, "swr")));
        Assert.Equal(1, Count((await other.CreateClient().SendAsync("/Revalidate")).Body, "swr"));
        var rendering = Assert.Single(requests, r => !r.IsCompleted);
        Assert.Equal(2, host.Counter.Count("swr"));

        gate.Open();
        Assert.Equal(2, Count((await rendering.WaitAsync(Bound, TestContext.Current.CancellationToken)).Body, "swr"));
        Assert.Equal(2, Count((await client.SendAsync("/Revalidate")).Body, "swr"));
        Assert.Equal(2, Count((await other.CreateClient().SendAsync("/Revalidate")).Body, "swr"));
        Assert.Equal(2, host.Counter.Count("swr"));
        Assert.Equal(0, other.Counter.Count("swr"));
    }
}
