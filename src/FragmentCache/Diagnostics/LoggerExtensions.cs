using Microsoft.Extensions.Logging;

namespace FragmentCache;

/// <summary>Every log line of the cache core, with stable event ids. Keys and HTML are logged only at Debug.</summary>
internal static partial class LoggerExtensions
{
    [LoggerMessage(1, LogLevel.Information, "FragmentCache: no servers configured; using the in-memory store (this process only).", EventName = "MemoryStoreSelected")]
    public static partial void MemoryStoreSelected(this ILogger logger);

    [LoggerMessage(3, LogLevel.Information, "FragmentCache: using the store {StoreType}.", EventName = "StoreSelected")]
    public static partial void StoreSelected(this ILogger logger, string storeType);

    [LoggerMessage(10, LogLevel.Warning, "FragmentCache: the store failed during {Operation}; treated as a miss ({Suppressed} similar failures not logged since the last one).", EventName = "StoreOperationFailed")]
    public static partial void StoreOperationFailed(this ILogger logger, Exception exception, string operation, long suppressed);

    [LoggerMessage(11, LogLevel.Warning, "FragmentCache: a cached value could not be read as {TargetType}; treated as a miss.", EventName = "DeserializationFailed")]
    public static partial void DeserializationFailed(this ILogger logger, Exception exception, string targetType);

    [LoggerMessage(20, LogLevel.Warning, "FragmentCache: a fragment entry is unreadable ({Reason}); treated as a miss.", EventName = "FragmentEntryCorrupt")]
    public static partial void FragmentEntryCorrupt(this ILogger logger, string reason);

    [LoggerMessage(21, LogLevel.Debug, "FragmentCache: fragment entry under {WireKey} belongs to another key; treated as a miss.", EventName = "FragmentKeyMismatch")]
    public static partial void FragmentKeyMismatch(this ILogger logger, string wireKey);

    [LoggerMessage(22, LogLevel.Warning, "FragmentCache: rendering fragment {FragmentName} failed; its lease was released and nothing was cached.", EventName = "FragmentRenderFailed")]
    public static partial void FragmentRenderFailed(this ILogger logger, Exception exception, string fragmentName);

    [LoggerMessage(24, LogLevel.Debug, "FragmentCache: fragment {FragmentName} was rendered but not cached ({Reason}).", EventName = "FragmentNotCacheable")]
    public static partial void FragmentNotCacheable(this ILogger logger, string fragmentName, string reason);

    [LoggerMessage(23, LogLevel.Information, "FragmentCache: waited {WaitMilliseconds} ms for another renderer of fragment {FragmentName}; rendering here instead.", EventName = "LeaseWaitTimedOut")]
    public static partial void LeaseWaitTimedOut(this ILogger logger, double waitMilliseconds, string fragmentName);

    [LoggerMessage(26, LogLevel.Warning, "FragmentCache: refreshing a cached value in the background failed; its lease was released and the old value is served until a later caller retries.", EventName = "BackgroundRefreshFailed")]
    public static partial void BackgroundRefreshFailed(this ILogger logger, Exception exception);

    [LoggerMessage(30, LogLevel.Warning, "FragmentCache: polling invalidation counters for the in-process copies failed; dropping all in-process copies.", EventName = "TwoTierPollFailed")]
    public static partial void TwoTierPollFailed(this ILogger logger, Exception exception);

    [LoggerMessage(31, LogLevel.Information, "FragmentCache: the in-process copies lost track of the invalidation feed ({Reason}); dropping all in-process copies.", EventName = "TwoTierFeedResync")]
    public static partial void TwoTierFeedResync(this ILogger logger, string reason);
}
