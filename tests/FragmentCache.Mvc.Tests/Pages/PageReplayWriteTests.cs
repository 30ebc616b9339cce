using System.Text;
using FragmentCache.Mvc.Internal;
using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>A rendered page that was not served from the store, written as it was captured; and a hit's status.</summary>
public sealed class PageReplayWriteTests
{
    [Fact]
    public async Task WriteCaptured_Rendered_BodyWithItsLengthAndMiss()
    {
        var (context, body) = NewContext();
        var capture = PageCapture.Start(context, () => context.Response.WriteAsync("hello"), 1000, () => { });
        await capture.Run;

        await PageReplay.WriteCapturedAsync(context, capture, Status());

        Assert.Equal(5, context.Response.ContentLength);
        Assert.Equal("hello", Encoding.UTF8.GetString(body.ToArray()));
        Assert.Equal("miss", context.Response.Headers["X-Fragment-Cache"].ToString());
    }

    [Fact]
    public async Task WriteCaptured_NotModified_NoContentLength()
    {
        var (context, body) = NewContext();
        var capture = PageCapture.Start(context, () => { context.Response.StatusCode = 304; return Task.CompletedTask; }, 1000, () => { });
        await capture.Run;

        await PageReplay.WriteCapturedAsync(context, capture, Status());

        Assert.Null(context.Response.ContentLength);
        Assert.Equal(0, body.Length);
    }

    [Fact]
    public async Task WriteCaptured_AfterAPassThrough_WritesOnlyWhatWasStillHeld()
    {
        // Buffering disabled after a write: the capture turns into a pass-through with the write still held.
        var (context, body) = NewContext();
        var capture = PageCapture.Start(
            context,
            async () =>
            {
                await context.Response.WriteAsync("held");
                context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
            },
            1000,
            () => { });
        await capture.Run;

        await PageReplay.WriteCapturedAsync(context, capture, Status());

        Assert.True(capture.Streaming);
        Assert.Equal("held", Encoding.UTF8.GetString(body.ToArray()));
        Assert.Null(context.Response.ContentLength);
    }

    [Fact]
    public async Task Replay_AfterAFragmentsMiss_ThePageReportsItsHit()
    {
        var (context, _) = NewContext();
        var status = Status();
        status.Report(context, CacheStatus.Miss);
        var entry = new PageEntry { StatusCode = 200, StoredAtUnixMs = 0, Headers = [], Body = "x"u8.ToArray() };

        await PageReplay.ReplayAsync(context, entry, 0, status);

        Assert.Equal("hit", context.Response.Headers["X-Fragment-Cache"].ToString());
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("garbage, more")]
    public void IsNotModified_UnparsableIfNoneMatch_Modified(string ifNoneMatch)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.IfNoneMatch = ifNoneMatch;
        context.Response.Headers.ETag = "\"v1\"";
        var entry = new PageEntry { StatusCode = 200, StoredAtUnixMs = 0, Headers = [], Body = Array.Empty<byte>() };

        Assert.False(PageReplay.IsNotModified(context.Request, context.Response, entry));
    }

    private static (DefaultHttpContext Context, MemoryStream Body) NewContext()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        var body = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
        return (context, body);
    }

    private static CacheStatus Status() =>
        new(Options.Create(new FragmentCacheMvcOptions { EmitCacheStatusHeader = true }));
}
