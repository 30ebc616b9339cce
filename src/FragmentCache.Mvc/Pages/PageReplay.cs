using System.Globalization;
using System.Security.Cryptography;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;
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

    /// <summary>Writes <paramref name="entry"/> as the response (or a <c>304</c> when the request's validators match it), with its <c>Age</c> at <paramref name="nowUnixMs"/>.</summary>
    public static async Task ReplayAsync(HttpContext context, PageEntry entry, long nowUnixMs, CacheStatus status)
    {
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
        if (!response.HasStarted && response.StatusCode != StatusCodes.Status304NotModified)
        {
            response.ContentLength = captured.Body.Length;
        }

        if (captured.Body.Length > 0)
        {
            await response.Body.WriteAsync(captured.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
