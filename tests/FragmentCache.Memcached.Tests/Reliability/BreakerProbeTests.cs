using System.Diagnostics;
using System.Net.Sockets;
using FragmentCache.Memcached;
using FragmentCache.Memcached.Connections;
using FragmentCache.Memcached.Protocol;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace FragmentCache.Tests.Reliability;

/// <summary>
/// The circuit breaker's probe against a real memcached: the probe's <c>mn</c> is answered by a bare <c>MN</c> (no
/// opaque), and reading it must leave the connection in step, so that a server back from a restart closes the
/// breaker for good even when one failure would reopen it.
/// </summary>
public sealed class BreakerProbeTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ServerRestarted_TheProbeClosesTheBreaker_AndItStaysClosedWithThresholdOne()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: ct);
        var options = new MemcachedClientOptions
        {
            FailureThreshold = 1,
            BreakDuration = TimeSpan.FromMilliseconds(100),
            MaxBreakDuration = TimeSpan.FromMilliseconds(400),
            ConnectionsPerServer = 1,
            OperationTimeout = TestClientOptions.Timeout,
            ConnectTimeout = TimeSpan.FromSeconds(2),
        };
        options.Servers.Add(server.Address);
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        await using var client = new MemcachedClient(options, loggerFactory);
        Assert.True(await client.SetAsync("k", "v1", cancellationToken: ct));

        await server.KillAsync();
        var clock = Stopwatch.StartNew();
        while (client.GetServerStatuses()[0].IsAvailable && clock.Elapsed < Within)
        {
            Assert.NotEqual(MemcachedItemStatus.Hit, (await client.GetItemAsync("k", default, ct)).Status);
            await Task.Delay(10, ct);
        }

        Assert.False(client.GetServerStatuses()[0].IsAvailable, "the breaker never opened while the server was dead");

        // No requests meanwhile: only the heartbeat's probe can close the breaker.
        await server.RestartAsync(ct);
        clock.Restart();
        while (!client.GetServerStatuses()[0].IsAvailable && clock.Elapsed < Within)
        {
            await Task.Delay(25, ct);
        }

        for (int i = 0; i < 20; i++)
        {
            var status = client.GetServerStatuses()[0];
            var detail = $"request {i}: {status}; last log lines: {string.Join(" | ", logs.Messages.TakeLast(4))}";
            Assert.True(await client.SetAsync("k" + i, "v" + i, cancellationToken: ct), detail);
            var item = await client.GetItemAsync("k" + i, default, ct);
            Assert.True(item.Status == MemcachedItemStatus.Hit, detail);
        }

        var after = client.GetServerStatuses()[0];
        Assert.True(after.IsAvailable, after.ToString());
        Assert.Equal(0, after.ConsecutiveFailures);
        Assert.DoesNotContain(logs.Messages, m => m.Contains("out of step", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MetaNoOp_OnAFreshConnection_IsAnsweredByABareMN_AndTheNextRequestsStayInStep()
    {
        // The probe's exact sequence on a connection it opened: the handshake's text mn, then a meta no-op, then requests.
        var ct = TestContext.Current.CancellationToken;
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: ct);
        Exception? failure = null;
        await using var connection = await ConnectAsync(server, error => failure ??= error);

        var handshake = new TextOperation("mn");
        Assert.True(connection.TryEnqueue(handshake));
        Assert.Equal(["MN"], await handshake.Completion.WaitAsync(TestClientOptions.Timeout, ct));

        var noOp = MetaOperation.Rent(MetaRequest.Create(MetaCommand.NoOp, string.Empty), default);
        Assert.True(connection.TryEnqueue(noOp));
        var result = await noOp.AsValueTask(ct).AsTask().WaitAsync(TestClientOptions.Timeout, ct);
        Assert.Equal(ReplyCode.NoOp, result.Code);

        var set = MetaOperation.Rent(MetaRequest.Create(MetaCommand.Set, "probe-key"), "value"u8.ToArray());
        Assert.True(connection.TryEnqueue(set));
        Assert.Equal(ReplyCode.Header, (await set.AsValueTask(ct).AsTask().WaitAsync(TestClientOptions.Timeout, ct)).Code);
        Assert.True(connection.IsOpen, connection.Failure?.ToString());
        Assert.Null(failure);
    }

    [Fact]
    public async Task MetaNoOp_AnsweredByAnythingButMN_FailsTheConnection()
    {
        // A no-op answered by a reply tagged as another request (here the very opaque it would have had): out of step.
        var ct = TestContext.Current.CancellationToken;
        await using var fake = new FakeServer(async (stream, token) =>
        {
            while (await FakeServer.ReadLineAsync(stream, token) is { } line)
            {
                if (line == "mn")
                {
                    await stream.WriteAsync("HD O1\r\n"u8.ToArray(), token);
                }
            }
        });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, fake.Port, ct);
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = new MemcachedConnection(socket, new NetworkStream(socket, ownsSocket: false), 16,
            (_, error) => failed.TrySetResult(error), static () => { });
        connection.Start();

        var noOp = MetaOperation.Rent(MetaRequest.Create(MetaCommand.NoOp, string.Empty), default);
        Assert.True(connection.TryEnqueue(noOp));
        await Assert.ThrowsAsync<MemcachedProtocolException>(() => noOp.AsValueTask(ct).AsTask().WaitAsync(TestClientOptions.Timeout, ct));
        var error = await failed.Task.WaitAsync(TestClientOptions.Timeout, ct);
        Assert.Contains("out of step", error.Message, StringComparison.Ordinal);
        Assert.False(connection.IsOpen);
    }

    private static async Task<MemcachedConnection> ConnectAsync(MemcachedProcess server, Action<Exception> onFailed)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.EndPoint, TestContext.Current.CancellationToken);
        var connection = new MemcachedConnection(socket, new NetworkStream(socket, ownsSocket: true), 16,
            (_, error) => onFailed(error), static () => { });
        connection.Start();
        return connection;
    }
}
