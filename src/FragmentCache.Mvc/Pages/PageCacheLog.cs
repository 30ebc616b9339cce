using Microsoft.Extensions.Logging;

namespace FragmentCache.Mvc.Pages;

/// <summary>The page cache's log messages (event ids 101-106).</summary>
internal static partial class PageCacheLog
{
    [LoggerMessage(101, LogLevel.Debug, "FragmentCache pages: request not cached ({Reason}).", EventName = "PageBypassed")]
    public static partial void Bypass(ILogger logger, string reason);

    [LoggerMessage(102, LogLevel.Debug, "FragmentCache pages: response served, not stored ({Reason}).", EventName = "PageNotStored")]
    public static partial void NotStored(ILogger logger, string reason);

    [LoggerMessage(103, LogLevel.Warning, "FragmentCache pages: a cache operation failed (ThrowOnError); the page is served uncached.", EventName = "PageStoreFailed")]
    public static partial void StoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(106, LogLevel.Warning, "FragmentCache pages: the request's culture was resolved after the page key was built, so such pages are not stored; place the page cache after UseRequestLocalization (logged once).", EventName = "PageCultureAfterKey")]
    public static partial void CultureAfterKey(ILogger logger);
}
