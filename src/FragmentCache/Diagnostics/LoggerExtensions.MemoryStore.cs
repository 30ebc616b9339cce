using Microsoft.Extensions.Logging;

namespace FragmentCache;

/// <summary>Log lines about the in-memory store.</summary>
internal static partial class LoggerExtensions
{
    [LoggerMessage(8, LogLevel.Warning, "FragmentCache: no servers configured in the {Environment} environment; the in-memory store holds a copy per process (at most {SizeLimit} bytes), so processes share neither entries nor invalidations. Set FragmentCache:Servers, or FragmentCache:RequireServers to make this a startup failure.", EventName = "MemoryStorePerProcess")]
    public static partial void MemoryStorePerProcess(this ILogger logger, string environment, long sizeLimit);
}
