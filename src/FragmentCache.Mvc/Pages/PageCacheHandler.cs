using System.Globalization;
using System.Security.Cryptography;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// Caches whole responses through <see cref="IFragmentCache"/> (so concurrent identical misses run the
/// action once, across servers where the store has leases). Shared by <see cref="CachePageFilter"/> and
/// the per-site middleware.
/// </summary>
internal sealed partial class PageCacheHandler(
    IFragmentCache fragments,
    ICache cache,
    CacheStatus status,
    TimeProvider timeProvider,
    IOptions<FragmentCachePagesOptions> options,
    ILogger<PageCacheHandler> logger)
{
    /// <summary>The fragment name under which pages are stored.</summary>
    public const string FragmentName = "page";

    private static readonly HashSet<string> NotStoredHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Age", "Date", "Content-Length", "Connection", "Keep-Alive", "Transfer-Encoding", "Set-Cookie", "Trailer", "Upgrade",
    };

    // A URL's learned Vary list changes rarely and only grows: keep it in process briefly instead of asking the store on
    // every request. A list that is a few seconds old can only be shorter than the truth, and a page rendered with a key
    // that lacks a Vary header is served but not stored (see ToEntryAsync), so the staleness costs hits, never correctness.
    private static readonly TimeSpan LearnedVaryLocalTime = TimeSpan.FromSeconds(5);

    private readonly FragmentCachePagesOptions _options = options.Value;
    private readonly MemoryCache _learnedVary = new(
        new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <summary>The tag every page of <paramref name="path"/> carries, for invalidation by path.</summary>
    public string PathTag(string path) => CachePageTags.ForPath(path, _options.CaseSensitivePaths);

    public async Task HandleAsync(HttpContext context, PagePolicy policy, Func<Task> next)
    {
        if (RequestBypassReason(context, policy) is { } reason)
        {
            LogBypass(logger, reason);
            await next().ConfigureAwait(false);
            return;
        }

        var varyHeaders = policy.VaryByHeaders;
        if (policy.PerSite)
        {
            varyHeaders = VaryKey.Merge(varyHeaders, await LearnedVaryAsync(context).ConfigureAwait(false));
        }

        var vary = BuildVaryValues(context, policy, varyHeaders);
        var ours = fragments as DefaultFragmentCache;
        var slot = ours?.Slot(FragmentName, vary);
        if (slot is { } computed && ours!.LocalCopy(computed, FragmentContentKind.Bytes)?.GetDecoded(PageEntry.TryDecode) is { } local)
        {
            // Two-tier: the in-process copy's entry, decoded once and shared (ReplayAsync never hands out its arrays).
            var at = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            if (local.FreshUntilUnixMs == 0 || local.FreshUntilUnixMs > at)
            {
                await ReplayAsync(context, local, at).ConfigureAwait(false);
                return;
            }
        }

        var entryOptions = new FragmentCacheEntryOptions
        {
            Expiration = policy.Duration,
            Tags = [.. policy.Tags, PathTag(context.Request.Path.Value ?? "/")],
        };

        for (var attempt = 0; attempt < 2; attempt++)
        {
            Captured? captured = null;
            ReadOnlyMemory<byte> bytes;
            try
            {
                Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> render = async _ =>
                {
                    captured = await CaptureAsync(context, next, c => captured = c).ConfigureAwait(false);
                    var entry = await ToEntryAsync(context, captured, policy, varyHeaders).ConfigureAwait(false);
                    captured.Entry = entry;
                    return entry.Encode();
                };
                // Our own cache takes the slot computed above (the key is hashed once per request).
                bytes = await (slot is { } known
                    ? ours!.GetOrRenderBytesAsync(known, entryOptions, render, context.RequestAborted)
                    : fragments.GetOrRenderBytesAsync(FragmentName, vary, entryOptions, render, context.RequestAborted)).ConfigureAwait(false);
            }
            catch (UncacheableContentException ex) when (captured is not null)
            {
                LogNotStored(logger, ex.Message);
                if (ex.ActionFailed)
                {
                    return;
                }

                await WriteCapturedAsync(context, captured).ConfigureAwait(false);
                return;
            }
            catch (Exception) when (captured is null && !context.RequestAborted.IsCancellationRequested)
            {
                // The request we joined produced nothing storable, failed or was aborted by its client: run our own.
                await next().ConfigureAwait(false);
                return;
            }

            if (captured is not null)
            {
                await WriteCapturedAsync(context, captured).ConfigureAwait(false);
                return;
            }

            var hit = PageEntry.TryDecode(bytes);
            var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            if (hit is null || (hit.FreshUntilUnixMs != 0 && hit.FreshUntilUnixMs <= now))
            {
                try
                {
                    await fragments.InvalidateAsync(FragmentName, vary, cancellationToken: context.RequestAborted).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Only with ThrowOnError: serve this request fresh and uncached.
                    LogStoreFailed(logger, ex);
                    break;
                }

                continue;
            }

            await ReplayAsync(context, hit, now).ConfigureAwait(false);
            return;
        }

        await next().ConfigureAwait(false);
    }

    private static string? RequestBypassReason(HttpContext context, PagePolicy policy)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return "method";
        }

        if (request.Headers.ContainsKey(HeaderNames.Authorization))
        {
            return "authorization header";
        }

        if (context.User?.Identity?.IsAuthenticated == true && !policy.VaryByUser)
        {
            return "authenticated user";
        }

        return null;
    }

    private List<object?> BuildVaryValues(HttpContext context, PagePolicy policy, string[] varyHeaders)
    {
        var request = context.Request;
        var parts = new List<object?>();
        var path = request.PathBase.Add(request.Path).Value ?? "/";
        VaryKey.AddText(parts, "prefix", _options.KeyPrefix);
        VaryKey.AddText(parts, "method", request.Method.ToUpperInvariant());
        VaryKey.AddText(parts, "url", request.Scheme + "://" + (request.Host.Value ?? "").ToLowerInvariant() + (_options.CaseSensitivePaths ? path : path.ToLowerInvariant()));
        if (policy.VaryByQueryKeys is null)
        {
            VaryKey.AddAllQuery(parts, request.Query);
        }
        else
        {
            VaryKey.AddQuery(parts, policy.VaryByQueryKeys, request.Query);
        }

        VaryKey.AddHeaders(parts, varyHeaders, request.Headers);
        VaryKey.AddCookies(parts, policy.VaryByCookies, request.Cookies);
        if (policy.VaryByUser)
        {
            VaryKey.AddUser(parts, context.User);
        }

        return parts;
    }

    private static async Task<Captured> CaptureAsync(HttpContext context, Func<Task> next, Action<Captured> started)
    {
        var original = context.Response.Body;
        var captured = new Captured(new MemoryStream());
        started(captured);
        context.Response.Body = captured.Buffer;
        try
        {
            await next().ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = original;
        }

        return captured;
    }

    private async Task<PageEntry> ToEntryAsync(HttpContext context, Captured captured, PagePolicy policy, string[] varyHeaders)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            // The action flushed headers itself (StartAsync): nothing can be added or replayed faithfully.
            throw new UncacheableContentException("response started before the body was complete");
        }

        if (response.StatusCode != StatusCodes.Status200OK)
        {
            throw new UncacheableContentException("status " + response.StatusCode.ToString(CultureInfo.InvariantCulture));
        }

        if (response.Headers.ContainsKey(HeaderNames.SetCookie))
        {
            throw new UncacheableContentException("Set-Cookie");
        }

        if (captured.Buffer.Length > _options.MaxBodySize)
        {
            throw new UncacheableContentException("body over MaxBodySize");
        }

        var cacheControl = CacheControlHeaderValue.TryParse(response.Headers.CacheControl.ToString(), out var parsed) ? parsed : null;
        if (cacheControl is not null && (cacheControl.Private || cacheControl.NoStore || cacheControl.NoCache))
        {
            throw new UncacheableContentException("Cache-Control private/no-store/no-cache");
        }

        if (response.Headers.Pragma.ToString().Contains("no-cache", StringComparison.OrdinalIgnoreCase))
        {
            throw new UncacheableContentException("Pragma: no-cache");
        }

        var responseVary = VaryKey.Merge(response.Headers.Vary.SelectMany(v => VaryKey.ParseList(v)), null);
        if (responseVary.Contains("*"))
        {
            throw new UncacheableContentException("Vary: *");
        }

        var missing = responseVary.Where(v => !varyHeaders.Contains(v, StringComparer.OrdinalIgnoreCase)).ToArray();
        if (missing.Length > 0)
        {
            if (policy.PerSite)
            {
                await LearnVaryAsync(context, VaryKey.Merge(varyHeaders, missing)).ConfigureAwait(false);
            }

            throw new UncacheableContentException("Vary names headers the key does not carry");
        }

        var now = timeProvider.GetUtcNow();
        long freshUntil = 0;
        if (policy.PerSite)
        {
            var lifetime = cacheControl?.SharedMaxAge ?? cacheControl?.MaxAge ?? _options.DefaultDuration;
            if (lifetime <= TimeSpan.Zero)
            {
                throw new UncacheableContentException("max-age=0");
            }

            if (lifetime > _options.MaxDuration)
            {
                lifetime = _options.MaxDuration;
            }

            freshUntil = (now + lifetime).ToUnixTimeMilliseconds();
        }

        var body = new ReadOnlyMemory<byte>(captured.Buffer.GetBuffer(), 0, (int)captured.Buffer.Length);
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
            if (!NotStoredHeaders.Contains(header.Key) && !string.Equals(header.Key, status.HeaderName, StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(new(header.Key, header.Value.ToArray()!));
            }
        }

        return new PageEntry
        {
            StatusCode = response.StatusCode,
            StoredAtUnixMs = now.ToUnixTimeMilliseconds(),
            FreshUntilUnixMs = freshUntil,
            Headers = headers,
            Body = body,
        };
    }

    private async Task WriteCapturedAsync(HttpContext context, Captured captured)
    {
        status.Report(context, CacheStatus.Miss, page: true);
        var response = context.Response;
        if (!response.HasStarted)
        {
            response.ContentLength = captured.Buffer.Length;
        }

        captured.Buffer.Position = 0;
        if (captured.Buffer.Length > 0)
        {
            await captured.Buffer.CopyToAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private async Task ReplayAsync(HttpContext context, PageEntry entry, long now)
    {
        var response = context.Response;
        response.StatusCode = entry.StatusCode;
        foreach (var header in entry.Headers)
        {
            // Copies: the entry may be shared by every request that hits it (a two-tier copy), and an array-backed
            // StringValues hands its array to anyone who casts it.
            response.Headers[header.Key] = header.Value.Length == 1 ? new StringValues(header.Value[0]) : new StringValues((string[])header.Value.Clone());
        }

        var age = Math.Max(0, (now - entry.StoredAtUnixMs) / 1000);
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

    internal static bool IsNotModified(HttpRequest request, HttpResponse response, PageEntry entry)
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

    private string VaryLearnKey(HttpContext context)
    {
        var request = context.Request;
        var path = request.PathBase.Add(request.Path).Value ?? "/";
        var url = request.Scheme + "://" + (request.Host.Value ?? "").ToLowerInvariant() + (_options.CaseSensitivePaths ? path : path.ToLowerInvariant());
        return "pagevary:" + _options.KeyPrefix + ":" + Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(url)), 0, 16);
    }

    private async Task<string[]> LearnedVaryAsync(HttpContext context)
    {
        var key = VaryLearnKey(context);
        if (_learnedVary.TryGetValue(key, out string[]? known) && known is not null)
        {
            return known;
        }

        try
        {
            var learned = await cache.GetAsync<string[]>(key, cancellationToken: context.RequestAborted).ConfigureAwait(false) ?? [];
            KeepLearnedVary(key, learned);
            return learned;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only with ThrowOnError; a page never fails because the cache did.
            LogStoreFailed(logger, ex);
            return [];
        }
    }

    private void KeepLearnedVary(string key, string[] headers) =>
        _learnedVary.Set(key, headers, new MemoryCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = LearnedVaryLocalTime,
            Size = 1,
        });

    private async Task LearnVaryAsync(HttpContext context, string[] headers)
    {
        var key = VaryLearnKey(context);
        KeepLearnedVary(key, headers);
        try
        {
            await cache.SetAsync(key, headers, _options.MaxDuration, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStoreFailed(logger, ex);
        }
    }

    [LoggerMessage(103, LogLevel.Warning, "FragmentCache pages: a cache operation failed (ThrowOnError); the page is served uncached.", EventName = "PageStoreFailed")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(101, LogLevel.Debug, "FragmentCache pages: request not cached ({Reason}).", EventName = "PageBypassed")]
    private static partial void LogBypass(ILogger logger, string reason);

    [LoggerMessage(102, LogLevel.Debug, "FragmentCache pages: response served, not stored ({Reason}).", EventName = "PageNotStored")]
    private static partial void LogNotStored(ILogger logger, string reason);

    private sealed class Captured(MemoryStream buffer)
    {
        public MemoryStream Buffer { get; } = buffer;

        public PageEntry? Entry { get; set; }
    }
}
