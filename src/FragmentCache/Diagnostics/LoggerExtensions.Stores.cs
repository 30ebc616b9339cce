using Microsoft.Extensions.Logging;

namespace FragmentCache;

internal static partial class LoggerExtensions
{
    [LoggerMessage(50, LogLevel.Information, "FragmentCache: store '{StoreName}' uses {StoreType} with key prefix '{KeyPrefix}' and version {Version}.", EventName = "NamedStoreReady")]
    public static partial void NamedStoreReady(this ILogger logger, string storeName, string storeType, string keyPrefix, int version);
}
