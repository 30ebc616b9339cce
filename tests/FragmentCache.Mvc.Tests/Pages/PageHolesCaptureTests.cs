using System.Text;
using System.Text.Encodings.Web;
using FragmentCache.Mvc.Holes;
using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>
/// The page capture as a hole sink, and the stored form of a page with holes: exact offsets through a buffering view writer,
/// no synchronous write to the server at a hole (even past the size limit), and the entry's hole table.
/// </summary>
public sealed class PageHolesCaptureTests
{
    private static readonly Hole UserMenu = new(HoleKind.ViewComponent, "UserMenu", [new HoleArgument("id", 7)]);

    [Fact]
    public async Task HoleThroughAResponseWriter_RecordedAtItsExactOffset_AndLeftOutOfTheStoredBody()
    {
        var (context, server) = NewContext();
        var capture = PageCapture.Start(context, async () =>
        {
            await using var writer = ViewWriter(context);
            writer.Write("<p>é before</p>");
            new HoleContent(UserMenu, new HtmlString("<b>Ann</b>"), Sink(context)).WriteTo(writer, HtmlEncoder.Default);
            writer.Write("<p>after</p>");
        }, 1000, () => { });
        await capture.Run;

        var (body, holes) = capture.StoredBody();

        Assert.False(capture.Streaming);
        Assert.Null(capture.HoleFailure);
        Assert.Equal("<p>é before</p><b>Ann</b><p>after</p>", Encoding.UTF8.GetString(capture.Body.Span));
        Assert.Equal("<p>é before</p><p>after</p>", Encoding.UTF8.GetString(body));
        Assert.Equal(Encoding.UTF8.GetByteCount("<p>é before</p>"), Assert.Single(holes).Offset);
        Assert.Equal(0, server.SyncWrites);
    }

    [Fact]
    public async Task HoleThroughAWriterWhoseFlushFlushesTheStream_StillHeld()
    {
        // HttpResponseStreamWriter.Flush only writes its bytes; a StreamWriter's also flushes the stream, which outside a
        // hole turns the capture into a pass-through.
        var (context, server) = NewContext();
        var capture = PageCapture.Start(context, () =>
        {
            // Not disposed: its Dispose would flush the stream after the hole, a pass-through like any flush.
#pragma warning disable CA2000
            var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 1024, leaveOpen: true);
#pragma warning restore CA2000
            ((PageCapture)Sink(context)).AddWriter(writer);
            writer.Write("<p>before</p>");
            new HoleContent(UserMenu, new HtmlString("<b>Ann</b>"), Sink(context)).WriteTo(writer, HtmlEncoder.Default);
            return Task.CompletedTask;
        }, 1000, () => { });
        await capture.Run;

        Assert.False(capture.Streaming);
        Assert.Equal(0, server.SyncWrites);
        Assert.Equal("<p>before</p><b>Ann</b>", Encoding.UTF8.GetString(capture.Body.Span));
        Assert.Equal("<p>before</p>", Encoding.UTF8.GetString(capture.StoredBody().Body));
    }

    [Fact]
    public async Task HoleOverTheSizeLimitAtTheEnd_HeldWithoutSyncWritesToTheServer_AndThePageIsOverTheLimit()
    {
        var (context, server) = NewContext();
        var capture = PageCapture.Start(context, async () =>
        {
            await using var writer = ViewWriter(context);
            writer.Write(new string('a', 600));
            new HoleContent(UserMenu, new HtmlString(new string('h', 3000)), Sink(context)).WriteTo(writer, HtmlEncoder.Default);
        }, 1000, () => { });
        await capture.Run;

        Assert.Equal(0, server.SyncWrites);
        Assert.False(capture.Streaming);
        Assert.True(capture.OverLimit);
        Assert.True(capture.HasHoles);
    }

    [Fact]
    public async Task AsyncWriteAfterAnOversizedHole_StreamsAsynchronously()
    {
        var (context, server) = NewContext();
        var capture = PageCapture.Start(context, async () =>
        {
            var writer = ViewWriter(context);
            writer.Write("head");
            new HoleContent(UserMenu, new HtmlString(new string('h', 3000)), Sink(context)).WriteTo(writer, HtmlEncoder.Default);
            await context.Response.Body.WriteAsync("more"u8.ToArray(), TestContext.Current.CancellationToken);
        }, 1000, () => { });
        await capture.Run;

        Assert.True(capture.Streaming);
        Assert.Equal(0, server.SyncWrites);
        Assert.Equal("head" + new string('h', 3000) + "more", Encoding.UTF8.GetString(server.Written.ToArray()));
    }

    [Fact]
    public async Task HoleWrittenIntoAStringWriter_NotRecorded_AndThePageCannotBeStored()
    {
        var (context, _) = NewContext();
        string? text = null;
        var capture = PageCapture.Start(context, () =>
        {
            using var writer = ViewWriter(context);
            using var elsewhere = new StringWriter();
            new HoleContent(UserMenu, new HtmlString("<b>Ann</b>"), Sink(context)).WriteTo(elsewhere, HtmlEncoder.Default);
            text = elsewhere.ToString();
            return Task.CompletedTask;
        }, 1000, () => { });
        await capture.Run;

        Assert.Equal("<b>Ann</b>", text);
        Assert.False(capture.HasHoles);
        Assert.NotNull(capture.HoleFailure);
    }

    [Fact]
    public void Entry_WithHoles_RoundTripsAsVersionTwo_AndWithoutHolesStaysVersionOne()
    {
        var withHoles = new PageEntry { StatusCode = 200, StoredAtUnixMs = 1, Headers = [], Body = "abcdef"u8.ToArray(), Holes = [new PlacedHole(3, UserMenu)] }.Encode();
        var without = new PageEntry { StatusCode = 200, StoredAtUnixMs = 1, Headers = [], Body = "abcdef"u8.ToArray() }.Encode();

        var decoded = PageEntry.TryDecode(withHoles);

        Assert.Equal(2, withHoles[0]);
        Assert.Equal(1, without[0]);
        Assert.NotNull(decoded);
        Assert.Equal("abcdef", Encoding.UTF8.GetString(decoded.Body.Span));
        var hole = Assert.Single(decoded.Holes);
        Assert.Equal(3, hole.Offset);
        Assert.Equal("UserMenu", hole.Hole.Component);
        Assert.Equal(7, hole.Hole.Arguments[0].Value);
        Assert.Empty(PageEntry.TryDecode(without)!.Holes);
    }

    [Fact]
    public void Entry_WithAnUnreadableHoleTable_DoesNotDecode()
    {
        var bytes = new PageEntry { StatusCode = 200, StoredAtUnixMs = 1, Headers = [], Body = "abcdef"u8.ToArray(), Holes = [new PlacedHole(3, UserMenu)] }.Encode();
        // The table follows the 29 bytes of version, status, times and header count, and its own length; its first byte
        // is the table's format version.
        var tableStart = 1 + 4 + 8 + 8 + 4 + 4;
        bytes[tableStart] = 99;

        Assert.Null(PageEntry.TryDecode(bytes));
    }

    private static HttpResponseStreamWriter ViewWriter(HttpContext context)
    {
        var writer = new HttpResponseStreamWriter(context.Response.Body, Encoding.UTF8);
        ((PageCapture)Sink(context)).AddWriter(writer);
        return writer;
    }

    private static IHoleSink Sink(HttpContext context) => context.Features.Get<IHoleSink>()!;

    private static (DefaultHttpContext Context, ServerStream Server) NewContext()
    {
        var context = new DefaultHttpContext();
        var server = new ServerStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(server));
        return (context, server);
    }

    /// <summary>The server's body stream: counts synchronous writes (Kestrel refuses them) and keeps what was written.</summary>
    private sealed class ServerStream : MemoryStream
    {
        public int SyncWrites { get; private set; }

        public MemoryStream Written { get; } = new();

        public override void Write(byte[] buffer, int offset, int count)
        {
            SyncWrites++;
            Written.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            SyncWrites++;
            Written.Write(buffer);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Written.Write(buffer, offset, count);
            return Task.CompletedTask;
        }
    }
}
