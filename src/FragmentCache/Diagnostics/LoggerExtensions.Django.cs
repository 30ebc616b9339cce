using Microsoft.Extensions.Logging;

namespace FragmentCache;

internal static partial class LoggerExtensions
{
    [LoggerMessage(60, LogLevel.Error, "FragmentCache: a value in store '{StoreName}' is a Python pickle (flags 1), which .NET cannot read as {TargetType}; treated as a miss. Store only str, bytes or int under keys both sides read.", EventName = "DjangoPickleRead")]
    public static partial void DjangoPickleRead(this ILogger logger, string storeName, string targetType);

    [LoggerMessage(61, LogLevel.Warning, "FragmentCache: a Python {PythonType} in store '{StoreName}' cannot be read as {TargetType}; treated as a miss.", EventName = "DjangoValueUnreadable")]
    public static partial void DjangoValueUnreadable(this ILogger logger, string storeName, string pythonType, string targetType);
}
