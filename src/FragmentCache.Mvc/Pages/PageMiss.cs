using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// One request's render of a page that was not in the store: runs the wrapped pipeline under a <see cref="PageCapture"/>
/// and turns what it produced into the bytes to store, or the reason it is not stored.
/// </summary>
internal sealed class PageMiss(PageCacheHandler handler, HttpContext context, PagePolicy policy, Func<Task<PageVerdict>> next, IReadOnlyList<string> varyHeaders, RequestCulture? culture)
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
        Captured = PageCapture.Start(context, RunAsync, handler.Options.MaxBodySize, () => handler.Status.Report(context, CacheStatus.Miss, page: true));
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

        if (policy.Vary.Culture && !PageCulture.SameAs(culture, PageCulture.Of(context)))
        {
            // Localization ran after the key was built (a middleware placed before UseRequestLocalization): the page may
            // be in a language its key does not name.
            handler.CultureAfterKey();
            return (null, "request culture resolved after the page key was built");
        }

        if (PageCachePolicy.ResponseRefusal(response.StatusCode, response.Headers) is { } reason)
        {
            return (null, reason);
        }

        if (PageCachePolicy.VaryRefusal(response.Headers, varyHeaders, out var unkeyed) is { } varyReason)
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
            if (PageCachePolicy.Lifetime(response.Headers, handler.Options.DefaultDuration, handler.Options.MaxDuration, out var lifetime) is { } lifetimeReason)
            {
                return (null, lifetimeReason);
            }

            freshUntil = (now + lifetime).ToUnixTimeMilliseconds();
        }

        return (PageReplay.ToEntry(response, Captured.Body, now, freshUntil, handler.Status.HeaderName).Encode(), null);
    }

    private async Task RunAsync() => _verdict = await next().ConfigureAwait(false);
}
