namespace FragmentCache.Tests.Infrastructure;

[Collection(MemcachedCollection.Name)]
public sealed class MemcachedFixtureTests(MemcachedFixture fixture)
{
    [Fact]
    public async Task Server_Shared_AnswersVersion()
    {
        Assert.Equal("VERSION 1.6.18\r\n", await fixture.Server.RawAsync("version\r\n", cancellationToken: TestContext.Current.CancellationToken));
    }
}

[Collection(MemcachedClusterCollection.Name)]
public sealed class MemcachedClusterFixtureTests(MemcachedClusterFixture fixture)
{
    [Fact]
    public async Task Servers_Three_EachAnswersOnItsOwnPort()
    {
        Assert.Equal(3, fixture.Servers.Count);
        Assert.Equal(3, fixture.Addresses.Distinct().Count());
        foreach (var server in fixture.Servers)
        {
            Assert.Equal("VERSION 1.6.18\r\n", await server.RawAsync("version\r\n", cancellationToken: TestContext.Current.CancellationToken));
        }
    }
}
