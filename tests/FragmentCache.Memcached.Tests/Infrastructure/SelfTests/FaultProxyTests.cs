using System.Net.Sockets;

namespace FragmentCache.Tests.Infrastructure;

[Collection(MemcachedCollection.Name)]
public sealed class FaultProxyTests(MemcachedFixture fixture)
{
    private static readonly TimeSpan HoldCheck = TimeSpan.FromMilliseconds(300);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Proxy_SetThenGet_ForwardsBothWays()
    {
        await using var proxy = new FaultProxy(fixture.Server);
        await using var connection = await RawConnection.ConnectAsync(proxy.Port, Token);

        await connection.SendAsync("set proxy:fwd 0 0 5\r\nhello\r\nget proxy:fwd\r\n", Token);
        var reply = await connection.ReadUntilAsync("END\r\n", cancellationToken: Token);

        Assert.Equal("STORED\r\nVALUE proxy:fwd 0 5\r\nhello\r\nEND\r\n", reply);
        Assert.Equal(1, proxy.AcceptedConnections);
        Assert.Equal(reply.Length, proxy.BytesToClient);
    }

    [Fact]
    public async Task ResetAll_OpenConnection_ClientSeesConnectionReset()
    {
        await using var proxy = new FaultProxy(fixture.Server);
        await using var connection = await RawConnection.ConnectAsync(proxy.Port, Token);
        await connection.SendAsync("version\r\n", Token);
        await connection.ReadUntilAsync("\r\n", cancellationToken: Token);

        proxy.ResetAll();

        var error = await Assert.ThrowsAsync<SocketException>(() => connection.ReadUntilAsync("\r\n", cancellationToken: Token));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    [Fact]
    public async Task Stall_OpenConnection_HoldsRepliesUntilResume()
    {
        await using var proxy = new FaultProxy(fixture.Server);
        await using var connection = await RawConnection.ConnectAsync(proxy.Port, Token);
        await connection.SendAsync("version\r\n", Token);
        await connection.ReadUntilAsync("\r\n", cancellationToken: Token);

        proxy.Stall();
        await connection.SendAsync("mn\r\n", Token);
        var read = connection.ReadUntilAsync("MN\r\n", cancellationToken: Token);
        var first = await Task.WhenAny(read, Task.Delay(HoldCheck, Token));

        Assert.NotSame(read, first);
        proxy.Resume();
        Assert.Equal("MN\r\n", await read);
    }

    [Fact]
    public async Task Stall_ClientToServerToo_ServerDoesNotSeeRequest()
    {
        await using var proxy = new FaultProxy(fixture.Server);
        await using var connection = await RawConnection.ConnectAsync(proxy.Port, Token);
        await connection.SendAsync("mn\r\n", Token);
        await connection.ReadUntilAsync("MN\r\n", cancellationToken: Token);
        var before = proxy.BytesToServer;

        proxy.Stall(clientToServerToo: true);
        await connection.SendAsync("set proxy:stall2 0 0 1\r\nx\r\n", Token);
        await Task.Delay(HoldCheck, Token);

        Assert.Equal(before, proxy.BytesToServer);
        Assert.Equal("EN\r\n", await fixture.Server.RawAsync("mg proxy:stall2 v\r\n", cancellationToken: Token));
        proxy.Resume();
        Assert.Equal("STORED\r\n", await connection.ReadUntilAsync("\r\n", cancellationToken: Token));
    }

    [Fact]
    public async Task InjectGarbageOnce_NextReply_IsPrecededByGarbageOnlyOnce()
    {
        await using var proxy = new FaultProxy(fixture.Server);
        await using var connection = await RawConnection.ConnectAsync(proxy.Port, Token);

        proxy.InjectGarbageOnce("JUNK"u8.ToArray());
        await connection.SendAsync("mn\r\n", Token);
        var first = await connection.ReadUntilAsync("MN\r\n", cancellationToken: Token);
        await connection.SendAsync("mn\r\n", Token);
        var second = await connection.ReadUntilAsync("MN\r\n", cancellationToken: Token);

        Assert.Equal("JUNKMN\r\n", first);
        Assert.Equal("MN\r\n", second);
    }

    [Fact]
    public async Task CutAfterBytes_ValueReply_ForwardsPrefixThenResets()
    {
        await using var proxy = new FaultProxy(fixture.Server);
        await fixture.Server.RawAsync("set proxy:cut 0 0 10\r\n0123456789\r\n", cancellationToken: Token);
        await using var connection = await RawConnection.ConnectAsync(proxy.Port, Token);

        proxy.CutAfterBytes(12);
        await connection.SendAsync("mg proxy:cut v\r\n", Token);
        var prefix = await connection.ReadUntilAsync("VA 10\r\n0123", cancellationToken: Token);

        Assert.Equal("VA 10\r\n0123", prefix);
        var error = await Assert.ThrowsAsync<SocketException>(() => connection.ReadUntilAsync("\r\n", cancellationToken: Token));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        Assert.Equal(12, proxy.BytesToClient);
    }

    [Fact]
    public async Task RefuseNew_NewConnection_IsClosedAtOnce()
    {
        await using var proxy = new FaultProxy(fixture.Server) { RefuseNew = true };
        await using var connection = await RawConnection.ConnectAsync(proxy.Port, Token);

        await connection.SendAsync("version\r\n", Token);
        var reply = await ReadOrResetAsync(connection);

        Assert.Equal("", reply);
        Assert.Equal(1, proxy.AcceptedConnections);
    }

    [Fact]
    public async Task RefuseNew_SwitchedOff_ForwardsAgain()
    {
        await using var proxy = new FaultProxy(fixture.Server) { RefuseNew = true };
        proxy.RefuseNew = false;
        await using var connection = await RawConnection.ConnectAsync(proxy.Port, Token);

        await connection.SendAsync("version\r\n", Token);

        Assert.Equal("VERSION 1.6.18\r\n", await connection.ReadUntilAsync("\r\n", cancellationToken: Token));
    }

    private static async Task<string> ReadOrResetAsync(RawConnection connection)
    {
        try
        {
            return await connection.ReadUntilAsync("\r\n", cancellationToken: Token);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return "";
        }
    }
}
