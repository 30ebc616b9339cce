using System.Diagnostics;
using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Memcached;

/// <summary>
/// Every connection slot of a server opens once the first one has: callers resumed by a connection send their next
/// requests on it, so slots that opened only when a caller happened to find them empty would leave every caller that
/// started early on the first connection.
/// </summary>
public sealed class ConnectionSlotsTests
{
    [Fact]
    public async Task AfterTheFirstConnect_TheOtherSlotsOpenWithoutFurtherRequests()
    {
        await using var server = await MemcachedProcess.StartAsync();
        var options = TestClientOptions.For(server.Address);
        options.ConnectionsPerServer = 3;
        await using var client = new MemcachedClient(options);

        Assert.True(await client.SetAsync("slots", "one request", cancellationToken: TestContext.Current.CancellationToken));

        // No further request: only the client itself can open the other two.
        var waited = Stopwatch.StartNew();
        while (client.GetServerStatuses()[0].OpenConnections < options.ConnectionsPerServer && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Equal(options.ConnectionsPerServer, client.GetServerStatuses()[0].OpenConnections);
        Assert.Equal("one request", await client.GetAsync<string>("slots", TestContext.Current.CancellationToken));
    }
}
