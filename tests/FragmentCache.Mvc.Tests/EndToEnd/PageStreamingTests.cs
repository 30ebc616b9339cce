using FragmentCache.Mvc.TestApp.Services;
using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// Responses that stream pass through the page caches unstored, over a real Kestrel socket: server-sent events reach the
/// client event by event, and a request that joined the flight of a stream runs its own action at once.
/// </summary>
public sealed class PageStreamingTests
{
    public static TheoryData<string, string?> Streams => new()
    {
        { "/Streaming/Events", null },
        { "/Streaming/Events", "middleware" },
        { "/Streaming/WriterEvents", null },
        { "/Streaming/WriterEvents", "middleware" },
        { "/StreamingSite/Events", null },
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task ServerSentEvents_FirstEventArrivesBeforeActionEnds_AndNothingIsReplayed(string url, string? mode)
    {
        var (factory, _) = TestAppFactory.Create(cachePage: mode);
        await using var _f = factory;
        using var client = KestrelHost.Start(factory);
        var gate = factory.Services.GetRequiredService<PageGate>();

        using (var first = await KestrelHost.GetHeadersAsync(client, url))
        {
            await using var body = await first.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);

            // The action is still waiting for the gate: only a pass-through can have delivered this.
            var early = await KestrelHost.ReadUntilAsync(body, "data: first 1\n\n");
            Assert.False(gate.Release.Task.IsCompleted);
            Assert.EndsWith("data: first 1\n\n", early, StringComparison.Ordinal);
            Assert.Equal("miss", first.Header("X-Fragment-Cache"));
            Assert.Equal("text/event-stream", first.Content.Headers.ContentType?.MediaType);

            gate.Release.SetResult();
            var all = await KestrelHost.ReadUntilAsync(body, "data: second 1\n\n", new(early));
            Assert.Equal("data: first 1\n\ndata: second 1\n\n", all);
        }

        var (second, secondBody) = await client.SendAsync(url);
        Assert.Equal("data: first 2\n\ndata: second 2\n\n", secondBody);
        Assert.NotEqual("hit", second.Header("X-Fragment-Cache"));
    }

    [Theory]
    [InlineData("/Streaming/Json", "streaming-json", null)]
    [InlineData("/Streaming/Json", "streaming-json", "middleware")]
    [InlineData("/Streaming/WrittenJson", "streaming-written-json", null)]
    [InlineData("/Streaming/WrittenJson", "streaming-written-json", "middleware")]
    public async Task Json_StartAndBodyWriterFlushAlone_NotAStream_Stored(string url, string counter, string? mode)
    {
        var (factory, _) = TestAppFactory.Create(cachePage: mode);
        await using var _f = factory;
        using var client = KestrelHost.Start(factory);

        var (_, first) = await client.SendAsync(url);
        var (hit, second) = await client.SendAsync(url);

        Assert.Equal("{\"run\":1}", first);
        Assert.Equal(first, second);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(1, factory.Counter.Count(counter));
    }

    [Theory]
    [InlineData("/Streaming/Download/1", null)]
    [InlineData("/Streaming/Download/1", "middleware")]
    [InlineData("/StreamingSite/Download/1", null)]
    public async Task Download_OverMaxBodySize_StreamsWholeAndIsNotStored(string url, string? mode)
    {
        var (factory, _) = TestAppFactory.Create(cachePage: mode);
        await using var _f = factory;
        using var client = KestrelHost.Start(factory);

        var (first, firstBody) = await client.SendAsync(url);
        var (second, secondBody) = await client.SendAsync(url);

        Assert.Equal(1024 * 1024, firstBody.Length);
        Assert.Equal(1024 * 1024, secondBody.Length);
        Assert.Equal("1", first.Header("X-Run"));
        Assert.Equal("2", second.Header("X-Run"));
        Assert.Equal("miss", first.Header("X-Fragment-Cache"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("middleware")]
    public async Task ServerSentEvents_RequestThatJoinedTheFlight_RunsItsOwnActionWhileTheFirstStillStreams(string? mode)
    {
        var (factory, _) = TestAppFactory.Create(cachePage: mode);
        await using var _f = factory;
        using var client = KestrelHost.Start(factory);
        var gate = factory.Services.GetRequiredService<PageGate>();

        var firstTask = KestrelHost.GetHeadersAsync(client, "/Streaming/HeldEvents");
        var secondTask = KestrelHost.GetHeadersAsync(client, "/Streaming/HeldEvents");
        for (var i = 0; i < 2000 && factory.Counter.Count("streaming-held") == 0; i++)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        // Let the second request reach the flight the first one leads (single flight: it waits, it does not run).
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(1, factory.Counter.Count("streaming-held"));
        gate.Release.SetResult();

        using var first = await firstTask;
        using var second = await secondTask;
        await using var firstBody = await first.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        await using var secondBody = await second.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var one = await KestrelHost.ReadUntilAsync(firstBody, "\n\n");
        var two = await KestrelHost.ReadUntilAsync(secondBody, "\n\n");

        // Neither action has ended (they run until their client leaves), yet both streams are flowing, each its own.
        Assert.Equal(2, factory.Counter.Count("streaming-held"));
        Assert.Equal(new[] { "data: first 1\n\n", "data: first 2\n\n" }, new[] { one, two }.Order(StringComparer.Ordinal));
    }
}
