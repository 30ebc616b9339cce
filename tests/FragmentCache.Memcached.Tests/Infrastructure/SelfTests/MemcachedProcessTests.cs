using System.Net.Sockets;

namespace FragmentCache.Tests.Infrastructure;

public sealed class MemcachedProcessTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_Default_AnswersVersionOnLoopback()
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Token);

        var reply = await server.RawAsync("version\r\n", cancellationToken: Token);

        Assert.Equal("VERSION 1.6.18\r\n", reply);
        Assert.Equal($"127.0.0.1:{server.Port}", server.Address);
        Assert.True(server.IsRunning);
    }

    [Fact]
    public async Task StartAsync_Default_UsesDocumentedSettings()
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Token);

        var settings = await server.StatsAsync("settings", Token);

        Assert.Equal("2", settings["num_threads"]);
        Assert.Equal("67108864", settings["maxbytes"]);
        Assert.Equal("0", settings["udpport"]);
        Assert.Equal("127.0.0.1", settings["inter"]);
        Assert.Equal(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), settings["tcpport"]);
    }

    [Fact]
    public async Task StartAsync_PortHeldByAnotherMemcached_MovesToAFreePortInsteadOfSharingIt()
    {
        await using var first = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var second = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { PreferredPort = first.Port }, TestContext.Current.CancellationToken);

        Assert.NotEqual(first.Port, second.Port);
        await second.RawAsync("set only-second 0 0 1\r\nx\r\n", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, await first.ItemCountAsync());
        Assert.Equal(1, await second.ItemCountAsync());
    }

    [Fact]
    public async Task StartAsync_MaxItemSize_PassesDashI()
    {
        await using var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { MaxItemSize = 2 * 1024 * 1024 }, Token);

        var settings = await server.StatsAsync("settings", Token);

        Assert.Equal("2097152", settings["item_size_max"]);
    }

    [Fact]
    public async Task StartAsync_BadArgument_ThrowsWithMemcachedStderr()
    {
        var options = new MemcachedProcessOptions { ExtraArguments = ["-o", "no_such_option_xyz"] };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => MemcachedProcess.StartAsync(options, Token));

        Assert.Contains("exited with code", error.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_option_xyz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ItemCountAsync_AfterTwoSets_ReturnsTwo()
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Token);

        await server.RawAsync("set a 0 0 1\r\n1\r\nset b 0 0 1\r\n2\r\nmn\r\n", "MN\r\n", Token);

        Assert.Equal(2, await server.ItemCountAsync(Token));
    }

    [Fact]
    public async Task KillAsync_Running_StopsAcceptingConnections()
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Token);

        await server.KillAsync();

        Assert.False(server.IsRunning);
        await Assert.ThrowsAsync<SocketException>(() => server.RawAsync("version\r\n", cancellationToken: Token));
    }

    [Fact]
    public async Task RestartAsync_AfterSet_SamePortAndEmpty()
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Token);
        var port = server.Port;
        await server.RawAsync("set a 0 0 1\r\n1\r\n", cancellationToken: Token);

        await server.RestartAsync(Token);

        Assert.Equal(port, server.Port);
        Assert.Equal(0, await server.ItemCountAsync(Token));
    }

    [Fact]
    public async Task StartAsync_UnixSocket_AnswersVersionWithoutTcpPort()
    {
        await using var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { UnixSocket = true }, Token);

        var reply = await server.RawAsync("version\r\n", cancellationToken: Token);

        Assert.Equal("VERSION 1.6.18\r\n", reply);
        Assert.Equal(0, server.Port);
        Assert.Equal("unix:" + server.UnixSocketPath, server.Address);
    }

    [Fact]
    public async Task StartAsync_AuthFile_UnauthenticatedUntilLogin()
    {
        var options = new MemcachedProcessOptions { AuthFileEntries = ["alice:s3cret"] };
        await using var server = await MemcachedProcess.StartAsync(options, Token);

        var before = await server.RawAsync("version\r\n", cancellationToken: Token);
        var wrong = await server.RawAsync(MemcachedProcess.AuthLoginCommand("alice", "nope"), cancellationToken: Token);
        var right = await server.RawAsync(MemcachedProcess.AuthLoginCommand("alice", "s3cret") + "version\r\n", "VERSION 1.6.18\r\n", Token);

        Assert.Equal("CLIENT_ERROR unauthenticated\r\n", before);
        Assert.Equal("CLIENT_ERROR authentication failure\r\n", wrong);
        Assert.Equal("STORED\r\nVERSION 1.6.18\r\n", right);
    }

    [Fact]
    public async Task StatsAsync_AuthFile_LogsInFirst()
    {
        var options = new MemcachedProcessOptions { AuthFileEntries = ["bob:pw"] };
        await using var server = await MemcachedProcess.StartAsync(options, Token);

        Assert.Equal(0, await server.ItemCountAsync(Token));
    }
}
