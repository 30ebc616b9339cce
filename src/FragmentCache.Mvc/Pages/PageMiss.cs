using FragmentCache.Mvc.Holes;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// One request's render of a page that was not in the store: runs the wrapped pipeline under a <see cref="PageCapture"/>
/// and turns what it produced into the bytes to store, or the reason it is not stored.
/// </summary>
internal sealed class PageMiss(
    PageCacheHandler handler, HttpContext context, PagePolicy policy, object? state, Func<object?, HttpContext, Task<PageVerdict>> next, IReadOnlyList<string> varyHeaders, RequestCulture? culture)
{
    private PageVerdict _verdict;

    /// <summary>The capture, once this request rendered the page (it did not when it was served from the store or joined another's render).</summary>
    public PageCapture? Captured { get; private set; }

    /// <summary>The wrapped pipeline's verdict, once <see cref="PageCapture.Run"/> of <see cref="Captured"/> completed.</summary>
    public PageVerdict Verdict => _verdict;

    /// <summary>Why the render is not stored, once <see cref="RenderAsync"/> declined it.</summary>
    public string? NotStored { get; private set; }

    /// <summary>
    /// Renders the page for its lookup: the encoded entry to store, or
    /// <see cref="FragmentRender.NotStored(ReadOnlyMemory{byte}, string)"/> with <see cref="NotStored"/> set (the request
    /// that rendered writes its capture, not the render's content).
    /// </summary>
    public async ValueTask<FragmentRender> RenderAsync()
    {
        var (entry, reason) = await TryRenderAsync().ConfigureAwait(false);
        NotStored = reason;
        return entry is not null ? FragmentRender.Stored(entry) : FragmentRender.NotStored(ReadOnlyMemory<byte>.Empty, reason ?? "not stored");
    }

    private async ValueTask<(byte[]? Entry, string? NotStored)> TryRenderAsync()
    {
        Captured = PageCapture.Start(context, RunAsync, handler.Options.MaxBodySize, () =>
        {
            handler.Status.Report(context, CacheStatus.Miss, page: true);
            if (PageReplay.HasHoles(context, null))
            {
                PageReplay.MakePrivate(context.Response.Headers);
            }
        });
        if (await Task.WhenAny(Captured.Run, Captured.StreamingStarted).ConfigureAwait(false) != Captured.Run)
        {
            // On its way to the client: those who joined this render run their own action now, not when it ends.
            return (null, Captured.StreamingReason ?? "streamed");
        }

        await Captured.Run.ConfigureAwait(false);
        if (_verdict.NotStored is { } refused)
        {
            return (null, refused);
        }

        var response = context.Response;
        if (response.HasStarted)
        {
            // Headers went out past the capture: nothing can be added or replayed faithfully.
            return (null, "response started before the body was complete");
        }

        if (Captured.HoleFailure is { } holeFailure)
        {
            return (null, holeFailure);
        }

        if (Captured.OverLimit)
        {
            // Held past the limit while a hole was written, and nothing streamed it since.
            return (null, "body over MaxBodySize");
        }

        // What holes set (cookies, caching headers) is this response's own: the rules judge, and the entry keeps, the
        // headers as they were without it.
        var headers = HoleScope.Get(context) is { } holes ? WithoutHoles(response.Headers, holes) : response.Headers;

        if (policy.Vary.Culture && !PageCulture.SameAs(culture, PageCulture.Of(context)))
        {
            // Localization ran after the key was built (a middleware placed before UseRequestLocalization): the page may
            // be in a language its key does not name.
            handler.CultureAfterKey();
            return (null, "request culture resolved after the page key was built");
        }

        if (PageCachePolicy.ResponseRefusal(response.StatusCode, headers) is { } reason)
        {
            return (null, reason);
        }

        if (PageCachePolicy.VaryRefusal(headers, varyHeaders, out var unkeyed) is { } varyReason)
        {
            if (policy.PerSite && unkeyed.Length > 0)
            {
                await handler.LearnedVary.LearnAsync(context, VaryValues.Merge(varyHeaders, unkeyed)).ConfigureAwait(false);
            }

            return (null, varyReason);
        }

        var now = handler.Time.GetUtcNow();
        long freshUntil = 0;
        if (policy.PerSite)
        {
            if (PageCachePolicy.Lifetime(headers, handler.Options.DefaultDuration, handler.Options.MaxDuration, out var lifetime) is { } lifetimeReason)
            {
                return (null, lifetimeReason);
            }

            freshUntil = (now + lifetime).ToUnixTimeMilliseconds();
        }

        if (Captured.HasHoles)
        {
            var (body, placed) = Captured.StoredBody();
            return (PageReplay.ToEntry(response.StatusCode, headers, body, placed, now, freshUntil, handler.Status.HeaderName).Encode(), null);
        }

        if (!ReferenceEquals(headers, response.Headers))
        {
            // Holes rendered but none is in the body: a page like any other, stored without what the holes set.
            return (PageReplay.ToEntry(response.StatusCode, headers, Captured.Body, [], now, freshUntil, handler.Status.HeaderName).Encode(), null);
        }

        return (PageReplay.ToEntry(response, Captured.Body, now, freshUntil, handler.Status.HeaderName).Encode(), null);
    }

    /// <summary>A copy of <paramref name="headers"/> as they were without what holes set: their cookies removed, each caching header they changed back to its value before.</summary>
    private static IHeaderDictionary WithoutHoles(IHeaderDictionary headers, HoleScope holes)
    {
        IHeaderDictionary copy = new HeaderDictionary();
        foreach (var header in headers)
        {
            copy[header.Key] = header.Value;
        }

        foreach (var (name, (before, _)) in holes.ChangedHeaders)
        {
            copy[name] = before;
        }

        if (holes.Cookies.Count > 0)
        {
            var cookies = new List<string?>(copy.SetCookie);
            foreach (var cookie in holes.Cookies)
            {
                cookies.Remove(cookie);
            }

            copy.SetCookie = cookies.Count == 0 ? default : new Microsoft.Extensions.Primitives.StringValues([.. cookies]);
        }

        return copy;
    }

    private async Task RunAsync() => _verdict = await next(state, context).ConfigureAwait(false);
}
