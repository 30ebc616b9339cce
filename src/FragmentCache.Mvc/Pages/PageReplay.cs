using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using FragmentCache.Mvc.Holes;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// A page's way out: a stored entry from a rendered response, a stored entry back onto a response (with <c>304</c> for a
/// conditional request it satisfies), and a rendered response that was not stored written as it was captured.
/// </summary>
internal static class PageReplay
{
    /// <summary>
    /// The entry to store for the rendered <paramref name="response"/>: its status, the headers <see cref="PageCachePolicy.IsStoredHeader"/>
    /// keeps (every value of each), and <paramref name="body"/>. A response without <c>ETag</c> or <c>Last-Modified</c> gets
    /// them first (a digest of the body, and <paramref name="now"/>), so the request that rendered it carries them too.
    /// </summary>
    public static PageEntry ToEntry(HttpResponse response, ReadOnlyMemory<byte> body, DateTimeOffset now, long freshUntilUnixMs, string? statusHeader)
    {
        if (!response.Headers.ContainsKey(HeaderNames.ETag))
        {
            response.Headers.ETag = "\"" + Convert.ToHexString(SHA256.HashData(body.Span), 0, 16) + "\"";
        }

        if (!response.Headers.ContainsKey(HeaderNames.LastModified))
        {
            response.Headers.LastModified = now.ToString("R", CultureInfo.InvariantCulture);
        }

        var headers = new List<KeyValuePair<string, string[]>>();
        foreach (var header in response.Headers)
        {
            if (PageCachePolicy.IsStoredHeader(header.Key, statusHeader))
            {
                headers.Add(new(header.Key, header.Value.ToArray()!));
            }
        }

        return new PageEntry
        {
            StatusCode = response.StatusCode,
            StoredAtUnixMs = now.ToUnixTimeMilliseconds(),
            FreshUntilUnixMs = freshUntilUnixMs,
            Headers = headers,
            Body = body,
        };
    }

    /// <summary>
    /// The entry to store for a rendered page with holes (or whose holes set headers): <paramref name="headers"/> as they
    /// were without the holes, without <c>ETag</c> (its content differs per request; none is made), and the body without
    /// the holes' HTML.
    /// </summary>
    public static PageEntry ToEntry(int statusCode, IHeaderDictionary headers, ReadOnlyMemory<byte> body, PlacedHole[] holes, DateTimeOffset now, long freshUntilUnixMs, string? statusHeader)
    {
        var stored = new List<KeyValuePair<string, string[]>>();
        foreach (var header in headers)
        {
            if (PageCachePolicy.IsStoredHeader(header.Key, statusHeader) && !string.Equals(header.Key, HeaderNames.ETag, StringComparison.OrdinalIgnoreCase))
            {
                stored.Add(new(header.Key, header.Value.ToArray()!));
            }
        }

        return new PageEntry
        {
            StatusCode = statusCode,
            StoredAtUnixMs = now.ToUnixTimeMilliseconds(),
            FreshUntilUnixMs = freshUntilUnixMs,
            Headers = stored,
            Body = body,
            Holes = holes,
        };
    }

    /// <summary>Whether this response carries per-request content from holes: holes in the captured body, or headers a hole set.</summary>
    public static bool HasHoles(HttpContext context, PageCapture? captured) =>
        captured?.HasHoles == true || HoleScope.Get(context) is { } scope && (scope.Cookies.Count > 0 || scope.ChangedHeaders.Count > 0);

    /// <summary>
    /// Makes a response with holes private to its client: <c>Cache-Control</c> gets <c>private</c> and loses <c>public</c>
    /// and <c>s-maxage</c> (<c>no-store</c>, <c>no-cache</c> and <c>max-age</c> stay), and the <c>ETag</c> goes (no
    /// <c>304</c> for content that differs per request).
    /// </summary>
    public static void MakePrivate(IHeaderDictionary headers)
    {
        var value = headers.CacheControl.Count > 0 ? headers.CacheControl.ToString() : null;
        if (value is null)
        {
            headers.CacheControl = "private";
        }
        else if (lastPrivate is { } last && string.Equals(last.Value, value, StringComparison.Ordinal))
        {
            // A page's stored Cache-Control is the same on every hit: parsed and rewritten once, not per request.
            headers.CacheControl = last.Private;
        }
        else
        {
            var made = "private";
            if (CacheControlHeaderValue.TryParse(value, out var cacheControl))
            {
                cacheControl.Public = false;
                cacheControl.SharedMaxAge = null;
                cacheControl.Private = true;
                cacheControl.PrivateHeaders.Clear();
                made = cacheControl.ToString();
            }

            lastPrivate = new PrivateCacheControl(value, made);
            headers.CacheControl = made;
        }

        headers.ETag = default;
    }

    /// <summary>The last <c>Cache-Control</c> value <see cref="MakePrivate"/> rewrote and what it made of it (one immutable pair, swapped whole).</summary>
    private static PrivateCacheControl? lastPrivate;

    private sealed record PrivateCacheControl(string Value, string Private);

    /// <summary>Writes <paramref name="entry"/> as the response (or a <c>304</c> when the request's validators match it), with its <c>Age</c> at <paramref name="nowUnixMs"/>.</summary>
    public static async Task ReplayAsync(HttpContext context, PageEntry entry, long nowUnixMs, CacheStatus status)
    {
        if (entry.Holes.Length > 0)
        {
            await ReplayWithHolesAsync(context, entry, nowUnixMs, status).ConfigureAwait(false);
            return;
        }

        var response = context.Response;
        response.StatusCode = entry.StatusCode;
        foreach (var header in entry.Headers)
        {
            // Copies: the entry may be shared by every request that hits it (a two-tier copy), and an array-backed
            // StringValues hands its array to anyone who casts it.
            response.Headers[header.Key] = header.Value.Length == 1 ? new StringValues(header.Value[0]) : new StringValues((string[])header.Value.Clone());
        }

        var age = Math.Max(0, (nowUnixMs - entry.StoredAtUnixMs) / 1000);
        response.Headers.Age = age.ToString(CultureInfo.InvariantCulture);
        status.Report(context, CacheStatus.Hit, page: true);
        if (IsNotModified(context.Request, response, entry))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            response.Headers.ContentType = default;
            response.Headers.ContentLength = default;
            response.Headers.ContentEncoding = default;
            response.Headers.ContentLanguage = default;
            return;
        }

        response.ContentLength = entry.Body.Length;
        if (!HttpMethods.IsHead(context.Request.Method) && entry.Body.Length > 0)
        {
            await response.Body.WriteAsync(entry.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes <paramref name="entry"/>, a page with holes: every hole rendered for this request first (a hole may set
    /// cookies and headers, so before the response starts; one that throws fails the request), then the stored headers (a
    /// caching header a hole set keeps the hole's value) made private, then the stored body segment by segment with each
    /// hole's HTML between them. Never a <c>304</c>: the page differs per request.
    /// </summary>
    private static async Task ReplayWithHolesAsync(HttpContext context, PageEntry entry, long nowUnixMs, CacheStatus status)
    {
        var renderer = context.RequestServices.GetRequiredService<HoleRenderer>();
        var encoder = context.RequestServices.GetService<HtmlEncoder>() ?? HtmlEncoder.Default;
        var viewContext = renderer.CreateViewContext(context);
        var holes = new byte[entry.Holes.Length][];
        long length = entry.Body.Length;
        for (var i = 0; i < holes.Length; i++)
        {
            var content = await renderer.RenderAsync(entry.Holes[i].Hole, viewContext).ConfigureAwait(false);
            using var text = new StringWriter(CultureInfo.InvariantCulture);
            content.Rendered.WriteTo(text, encoder);
            holes[i] = Encoding.UTF8.GetBytes(text.ToString());
            length += holes[i].Length;
        }

        var response = context.Response;
        response.StatusCode = entry.StatusCode;
        var changed = HoleScope.Get(context)?.ChangedHeaders;
        foreach (var header in entry.Headers)
        {
            if (changed?.ContainsKey(header.Key) == true)
            {
                continue;
            }

            response.Headers[header.Key] = header.Value.Length == 1 ? new StringValues(header.Value[0]) : new StringValues((string[])header.Value.Clone());
        }

        var age = Math.Max(0, (nowUnixMs - entry.StoredAtUnixMs) / 1000);
        response.Headers.Age = age.ToString(CultureInfo.InvariantCulture);
        MakePrivate(response.Headers);
        status.Report(context, CacheStatus.Hit, page: true);
        response.ContentLength = length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        // Every segment and hole is copied into the server's output pipe and flushed once: one write to the socket, as for a
        // page without holes, not one per segment.
        var body = response.BodyWriter;
        var at = 0;
        for (var i = 0; i < holes.Length; i++)
        {
            var offset = entry.Holes[i].Offset;
            body.Write(entry.Body.Span[at..offset]);
            body.Write(holes[i]);
            at = offset;
        }

        body.Write(entry.Body.Span[at..]);
        await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the request's <c>If-None-Match</c> (weakly compared, <c>*</c> included) or, without it, its
    /// <c>If-Modified-Since</c> (at or after the entry's <c>Last-Modified</c>, else its storage time) matches the
    /// replayed <paramref name="response"/>.
    /// </summary>
    public static bool IsNotModified(HttpRequest request, HttpResponse response, PageEntry entry)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 0)
        {
            if (!EntityTagHeaderValue.TryParse(response.Headers.ETag.ToString(), out var etag))
            {
                return false;
            }

            if (!EntityTagHeaderValue.TryParseList(ifNoneMatch, out var candidates))
            {
                return false;
            }

            foreach (var candidate in candidates)
            {
                if (candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(etag, useStrongComparison: false))
                {
                    return true;
                }
            }

            return false;
        }

        var ifModifiedSince = request.Headers.IfModifiedSince.ToString();
        if (ifModifiedSince.Length > 0 && HeaderUtilities.TryParseDate(ifModifiedSince, out var since))
        {
            var modified = HeaderUtilities.TryParseDate(response.Headers.LastModified.ToString(), out var lastModified)
                ? lastModified
                : DateTimeOffset.FromUnixTimeMilliseconds(entry.StoredAtUnixMs);
            return modified <= since;
        }

        return false;
    }

    /// <summary>Writes a rendered response that was not served from the store: the captured body, or after a pass-through what the capture still holds.</summary>
    public static async Task WriteCapturedAsync(HttpContext context, PageCapture captured, CacheStatus status)
    {
        if (captured.Streaming)
        {
            // The headers and the rest of the body are already with the server; only what was held before is left.
            await captured.DrainAsync(context.RequestAborted).ConfigureAwait(false);
            return;
        }

        status.Report(context, CacheStatus.Miss, page: true);
        var response = context.Response;
        if (!response.HasStarted && HasHoles(context, captured))
        {
            MakePrivate(response.Headers);
        }

        // An empty error response keeps no length, so the application's status-code pages can still write its body.
        var emptyError = captured.Body.Length == 0 && response.StatusCode >= StatusCodes.Status400BadRequest;
        if (!response.HasStarted && response.StatusCode != StatusCodes.Status304NotModified && !emptyError)
        {
            response.ContentLength = captured.Body.Length;
        }

        if (captured.Body.Length > 0)
        {
            await response.Body.WriteAsync(captured.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
