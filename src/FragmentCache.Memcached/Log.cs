using Microsoft.Extensions.Logging;

namespace FragmentCache.Memcached;

/// <summary>
/// Every log line of the Memcached client, with stable event ids (1000-1099), and the store's one selection line (id 2,
/// in the core's numbering of selection lines: 1 memory, 3 a store chosen in code). Never logs keys or values.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(2, LogLevel.Information, "FragmentCache: using the Memcached store with {ServerCount} server(s): {Servers}.", EventName = "MemcachedStoreSelected")]
    public static partial void StoreSelected(ILogger logger, int serverCount, string servers);

    [LoggerMessage(1000, LogLevel.Debug, "Connected to Memcached server {Server} (connection {Slot}).")]
    public static partial void Connected(ILogger logger, string server, int slot);

    [LoggerMessage(1001, LogLevel.Warning, "Connecting to Memcached server {Server} failed ({ErrorType}: {Error}); next attempt in {DelayMs:0} ms.")]
    public static partial void ConnectFailed(ILogger logger, string server, string errorType, string error, double delayMs);

    [LoggerMessage(1002, LogLevel.Warning, "A connection to Memcached server {Server} failed ({ErrorType}: {Error}); its in-flight requests are misses.")]
    public static partial void ConnectionFailed(ILogger logger, string server, string errorType, string error);

    [LoggerMessage(1003, LogLevel.Error, "Memcached server {Server} is down after {Failures} consecutive failures: its keys are misses until a probe succeeds.")]
    public static partial void ServerDown(ILogger logger, string server, int failures);

    [LoggerMessage(1004, LogLevel.Information, "Memcached server {Server} is back up.")]
    public static partial void ServerUp(ILogger logger, string server);

    [LoggerMessage(1005, LogLevel.Warning, "A value of {Size} bytes is over the maximum item size of {MaxSize} bytes: not stored, and the old value was deleted.")]
    public static partial void ValueTooLarge(ILogger logger, int size, int maxSize);

    [LoggerMessage(1006, LogLevel.Warning, "A Memcached {Operation} failed on {Server}: {Error}")]
    public static partial void OperationFailed(ILogger logger, string operation, string server, string error);

    [LoggerMessage(1007, LogLevel.Warning, "A value stored in Memcached could not be decoded ({Error}); treated as a miss.")]
    public static partial void UndecodableValue(ILogger logger, string error);
}
