namespace FragmentCache.Tests.Infrastructure;

public sealed class FakeServerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Behaviour_ScriptedPartialFrameThenEof_ClientReceivesExactlyThat()
    {
        await using var server = new FakeServer(async (stream, ct) =>
        {
            var line = await FakeServer.ReadLineAsync(stream, ct);
            Assert.Equal("mg key v O1", line);
            await FakeServer.WriteAsync(stream, "VA 10 O1\r\n01234", ct);
        });
        await using var connection = await RawConnection.ConnectAsync(server.Port, Token);

        await connection.SendAsync("mg key v O1\r\n", Token);
        var reply = await connection.ReadUntilAsync("never", cancellationToken: Token);

        Assert.Equal("VA 10 O1\r\n01234", reply);
        Assert.Equal(1, server.AcceptedConnections);
        Assert.Empty(server.Errors);
    }

    [Fact]
    public async Task Behaviour_Throws_IsRecordedInErrors()
    {
        await using var server = new FakeServer((_, _) => throw new InvalidOperationException("script bug"));
        await using var connection = await RawConnection.ConnectAsync(server.Port, Token);

        await connection.ReadUntilAsync("never", cancellationToken: Token);

        var error = Assert.Single(server.Errors);
        Assert.Equal("script bug", error.Message);
    }
}
