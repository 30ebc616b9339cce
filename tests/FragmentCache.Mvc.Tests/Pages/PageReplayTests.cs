using System.Text;
using FragmentCache.Mvc.Internal;
using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>A stored page's way in and out: what an entry keeps, how it is replayed, when a conditional request gets 304.</summary>
public sealed class PageReplayTests
{
    private const string LastModified = "Wed, 25 Nov 2026 10:00:00 GMT";
    private static readonly long StoredAt = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Theory]
    [InlineData("\"v1\"", null, "\"v1\"", null, true)]
    [InlineData("W/\"v1\"", null, "\"v1\"", null, true)]
    [InlineData("\"v1\"", null, "W/\"v1\"", null, true)]
    [InlineData("\"v2\"", null, "\"v1\"", null, false)]
    [InlineData("\"v2\", \"v1\"", null, "\"v1\"", null, true)]
    [InlineData("*", null, "\"v1\"", null, true)]
    [InlineData("\"v1\"", null, null, null, false)]
    [InlineData("\"v2\"", "Wed, 25 Nov 2026 11:00:00 GMT", "\"v1\"", LastModified, false)]
    [InlineData(null, LastModified, "\"v1\"", LastModified, true)]
    [InlineData(null, "Wed, 25 Nov 2026 10:00:01 GMT", "\"v1\"", LastModified, true)]
    [InlineData(null, "Wed, 25 Nov 2026 09:59:59 GMT", "\"v1\"", LastModified, false)]
    [InlineData(null, "not a date", "\"v1\"", LastModified, false)]
    [InlineData(null, "Wed, 25 Nov 2026 12:00:00 GMT", null, null, true)]
    [InlineData(null, "Wed, 25 Nov 2026 11:59:59 GMT", null, null, false)]
    [InlineData(null, null, "\"v1\"", LastModified, false)]
    public void IsNotModified(string? ifNoneMatch, string? ifModifiedSince, string? etag, string? lastModified, bool expected)
    {
        var context = new DefaultHttpContext();
        if (ifNoneMatch is not null)
        {
            context.Request.Headers.IfNoneMatch = ifNoneMatch;
        }

        if (ifModifiedSince is not null)
        {
            context.Request.Headers.IfModifiedSince = ifModifiedSince;
        }

        if (etag is not null)
        {
            context.Response.Headers.ETag = etag;
        }

        if (lastModified is not null)
        {
            context.Response.Headers.LastModified = lastModified;
        }

        var entry = new PageEntry { StatusCode = 200, StoredAtUnixMs = StoredAt, Headers = [], Body = Array.Empty<byte>() };
        Assert.Equal(expected, PageReplay.IsNotModified(context.Request, context.Response, entry));
    }

    [Fact]
    public async Task Replay_WritesStatusEveryHeaderValueAgeAndBody()
    {
        var (context, body) = NewContext("GET");
        var entry = Entry(("Content-Type", ["text/html"]), ("X-Multi", ["a", "b", "c"]), ("Link", ["</a.css>; rel=preload", "</b.js>; rel=preload"]));

        await PageReplay.ReplayAsync(context, entry, StoredAt + 7_900, Status());

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(["a", "b", "c"], context.Response.Headers["X-Multi"].ToArray());
        Assert.Equal(["</a.css>; rel=preload", "</b.js>; rel=preload"], context.Response.Headers.Link.ToArray());
        Assert.Equal("text/html", context.Response.ContentType);
        Assert.Equal("7", context.Response.Headers.Age.ToString());
        Assert.Equal(5, context.Response.ContentLength);
        Assert.Equal("hello", Encoding.UTF8.GetString(body.ToArray()));
        Assert.Equal("hit", context.Response.Headers["X-Fragment-Cache"].ToString());
    }

    [Fact]
    public async Task Replay_DoesNotHandOutTheEntrysArrays()
    {
        var (context, _) = NewContext("GET");
        var entry = Entry(("X-Multi", ["a", "b"]));

        await PageReplay.ReplayAsync(context, entry, StoredAt, Status());
        ((string[])context.Response.Headers["X-Multi"]!)[0] = "changed";

        Assert.Equal(["a", "b"], entry.Headers[0].Value);
    }

    [Fact]
    public async Task Replay_Head_HeadersWithoutBody()
    {
        var (context, body) = NewContext("HEAD");

        await PageReplay.ReplayAsync(context, Entry(("Content-Type", ["text/html"])), StoredAt, Status());

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(5, context.Response.ContentLength);
        Assert.Equal(0, body.Length);
    }

    [Fact]
    public async Task Replay_MatchingIfModifiedSince_304WithoutBodyOrContentHeaders()
    {
        var (context, body) = NewContext("GET");
        context.Request.Headers.IfModifiedSince = LastModified;
        var entry = Entry(("Content-Type", ["text/html"]), ("Content-Language", ["fr"]), ("Last-Modified", [LastModified]), ("ETag", ["\"v1\""]));

        await PageReplay.ReplayAsync(context, entry, StoredAt, Status());

        Assert.Equal(304, context.Response.StatusCode);
        Assert.Equal(0, body.Length);
        Assert.False(context.Response.Headers.ContainsKey("Content-Type"));
        Assert.False(context.Response.Headers.ContainsKey("Content-Language"));
        Assert.Equal("\"v1\"", context.Response.Headers.ETag.ToString());
    }

    [Fact]
    public void ToEntry_KeepsEveryValue_DropsHopByHopAndPerResponseHeaders_AddsValidators()
    {
        var context = new DefaultHttpContext();
        var headers = context.Response.Headers;
        headers.ContentType = "text/html";
        headers["X-Multi"] = new[] { "a", "b" };
        foreach (var name in new[] { "Age", "Date", "Content-Length", "Connection", "Keep-Alive", "Transfer-Encoding", "Set-Cookie", "Trailer", "Upgrade", "X-Fragment-Cache" })
        {
            headers[name] = "1";
        }

        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var entry = PageReplay.ToEntry(context.Response, "hello"u8.ToArray(), now, 42, "X-Fragment-Cache");

        Assert.Equal(["Content-Type", "ETag", "Last-Modified", "X-Multi"], entry.Headers.Select(h => h.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["a", "b"], entry.Headers.Single(h => h.Key == "X-Multi").Value);
        Assert.Equal("Wed, 25 Nov 2026 12:00:00 GMT", entry.Headers.Single(h => h.Key == "Last-Modified").Value.Single());
        Assert.Matches("^\"[0-9A-F]{32}\"$", entry.Headers.Single(h => h.Key == "ETag").Value.Single());
        Assert.Equal(now.ToUnixTimeMilliseconds(), entry.StoredAtUnixMs);
        Assert.Equal(42, entry.FreshUntilUnixMs);
        Assert.Equal("hello"u8.ToArray(), entry.Body.ToArray());
    }

    [Fact]
    public void ToEntry_KeepsTheResponsesOwnValidators_AndDigestsTheBody()
    {
        var context = new DefaultHttpContext();
        context.Response.Headers.ETag = "\"mine\"";
        context.Response.Headers.LastModified = LastModified;
        var now = DateTimeOffset.FromUnixTimeMilliseconds(StoredAt);

        var kept = PageReplay.ToEntry(context.Response, "a"u8.ToArray(), now, 0, null);
        var first = PageReplay.ToEntry(new DefaultHttpContext().Response, "a"u8.ToArray(), now, 0, null);
        var second = PageReplay.ToEntry(new DefaultHttpContext().Response, "b"u8.ToArray(), now, 0, null);

        Assert.Equal("\"mine\"", kept.Headers.Single(h => h.Key == "ETag").Value.Single());
        Assert.Equal(LastModified, kept.Headers.Single(h => h.Key == "Last-Modified").Value.Single());
        Assert.NotEqual(first.Headers.Single(h => h.Key == "ETag").Value.Single(), second.Headers.Single(h => h.Key == "ETag").Value.Single());
    }

    private static PageEntry Entry(params (string Name, string[] Values)[] headers) => new()
    {
        StatusCode = 200,
        StoredAtUnixMs = StoredAt,
        Headers = [.. headers.Select(h => new KeyValuePair<string, string[]>(h.Name, h.Values))],
        Body = "hello"u8.ToArray(),
    };

    private static (DefaultHttpContext Context, MemoryStream Body) NewContext(string method)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        var body = new MemoryStream();
        context.Response.Body = body;
        return (context, body);
    }

    private static CacheStatus Status() =>
        new(Options.Create(new FragmentCacheMvcOptions { EmitCacheStatusHeader = true }));
}
