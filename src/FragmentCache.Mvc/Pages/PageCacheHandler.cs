using System.Globalization;
using System.Security.Cryptography;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
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

    private readonly FragmentCachePagesOptions _options = options.Value;
    private int _cultureAfterKeyLogged;
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

        // What the key does not carry must not reach the page (hits and misses alike, so both see one request).
        UnkeyedInput.Strip(context, policy);
        var culture = policy.VaryByCulture ? PageCulture.Of(context) : null;
        var varyHeaders = policy.VaryByHeaders;
        if (policy.PerSite)
        {
            varyHeaders = VaryKey.Merge(varyHeaders, await LearnedVaryAsync(context).ConfigureAwait(false));
        }

        var vary = BuildVaryValues(context, policy, varyHeaders, culture);
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
            MetricName = PageMetricName.For(context),
        };

        for (var attempt = 0; attempt < 2; attempt++)
        {
            PageCapture? captured = null;
            ReadOnlyMemory<byte> bytes;
            try
            {
                Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> render = async _ =>
                {
                    captured = PageCapture.Start(context, next, _options.MaxBodySize, () => status.Report(context, CacheStatus.Miss, page: true));
                    if (await Task.WhenAny(captured.Run, captured.StreamingStarted).ConfigureAwait(false) != captured.Run)
                    {
                        // On its way to the client: those who joined this flight run their own action now, not when it ends.
                        throw new UncacheableContentException(captured.StreamingReason ?? "streamed");
                    }

                    await captured.Run.ConfigureAwait(false);
                    var entry = await ToEntryAsync(context, captured, policy, varyHeaders, culture).ConfigureAwait(false);
                    return entry.Encode();
                };
                // Our own cache takes the slot computed above (the key is hashed once per request).
                bytes = await (slot is { } known
                    ? ours!.GetOrRenderBytesAsync(known, entryOptions, render, context.RequestAborted)
                    : fragments.GetOrRenderBytesAsync(FragmentName, vary, entryOptions, render, context.RequestAborted)).ConfigureAwait(false);
            }
            catch (UncacheableContentException ex) when (captured is not null)
            {
                var outcome = ex;
                if (!captured.Run.IsCompleted)
                {
                    try
                    {
                        await captured.Run.ConfigureAwait(false);
                    }
                    catch (UncacheableContentException late)
                    {
                        outcome = late;
                    }
                }

                LogNotStored(logger, outcome.Message);
                if (outcome.ActionFailed)
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

    private List<object?> BuildVaryValues(HttpContext context, PagePolicy policy, string[] varyHeaders, RequestCulture? culture)
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

        if (culture is not null)
        {
            VaryKey.AddCulture(parts, culture.Culture, culture.UICulture);
        }

        return parts;
    }

    private async Task<PageEntry> ToEntryAsync(HttpContext context, PageCapture captured, PagePolicy policy, string[] varyHeaders, RequestCulture? culture)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            // Headers went out past the capture: nothing can be added or replayed faithfully.
            throw new UncacheableContentException("response started before the body was complete");
        }

        if (policy.VaryByCulture && !PageCulture.SameAs(culture, PageCulture.Of(context)))
        {
            // Localization ran after the key was built (a middleware placed before UseRequestLocalization): the page may
            // be in a language its key does not name.
            if (Interlocked.Exchange(ref _cultureAfterKeyLogged, 1) == 0)
            {
                LogCultureAfterKey(logger);
            }

            throw new UncacheableContentException("request culture resolved after the page key was built");
        }

        if (response.StatusCode != StatusCodes.Status200OK)
        {
            throw new UncacheableContentException("status " + response.StatusCode.ToString(CultureInfo.InvariantCulture));
        }

        if (response.Headers.ContainsKey(HeaderNames.SetCookie))
        {
            throw new UncacheableContentException("Set-Cookie");
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

        var body = captured.Body;
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

    private async Task WriteCapturedAsync(HttpContext context, PageCapture captured)
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

    [LoggerMessage(103, LogLevel.Warning, "FragmentCache pages: a cache operation failed (ThrowOnError); the page is served uncached.", EventName = "PageStoreFailed")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(101, LogLevel.Debug, "FragmentCache pages: request not cached ({Reason}).", EventName = "PageBypassed")]
    private static partial void LogBypass(ILogger logger, string reason);

    [LoggerMessage(106, LogLevel.Warning, "FragmentCache pages: the request's culture was resolved after the page key was built, so such pages are not stored; place the page cache after UseRequestLocalization (logged once).", EventName = "PageCultureAfterKey")]
    private static partial void LogCultureAfterKey(ILogger logger);

    [LoggerMessage(102, LogLevel.Debug, "FragmentCache pages: response served, not stored ({Reason}).", EventName = "PageNotStored")]
    private static partial void LogNotStored(ILogger logger, string reason);
}
