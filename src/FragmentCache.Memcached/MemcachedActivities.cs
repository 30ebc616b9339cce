using System.Diagnostics;
using System.Net.Sockets;

namespace FragmentCache.Memcached;

/// <summary>
/// The client's spans, on the activity source <see cref="MemcachedTelemetry.ActivitySourceName"/>, and the OpenTelemetry
/// database attribute names its spans and metrics share. Never a key or a value on a span (privacy, cardinality).
/// </summary>
internal static class MemcachedActivities
{
    public const string SystemAttribute = "db.system.name";
    public const string OperationAttribute = "db.operation.name";
    public const string BatchSizeAttribute = "db.operation.batch.size";
    public const string ServerAddressAttribute = "server.address";
    public const string ServerPortAttribute = "server.port";
    public const string ErrorTypeAttribute = "error.type";
    public const string SystemName = "memcached";

    /// <summary><c>error.type</c> of a request that found its server unavailable for no reason the client recorded.</summary>
    public const string Unavailable = "unavailable";

    public static readonly ActivitySource Source = new(MemcachedTelemetry.ActivitySourceName, typeof(MemcachedActivities).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of one operation on <paramref name="endPoint"/>; null (and nothing allocated) when nothing listens.</summary>
    public static Activity? Start(string operation, MemcachedEndPoint endPoint, int batchSize = 0)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(operation, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(SystemAttribute, SystemName);
            activity.SetTag(OperationAttribute, operation);
            activity.SetTag(ServerAddressAttribute, endPoint.TelemetryAddress);
            if (endPoint.TelemetryPort is { } port)
            {
                activity.SetTag(ServerPortAttribute, port);
            }

            if (batchSize > 1)
            {
                activity.SetTag(BatchSizeAttribute, batchSize);
            }
        }

        return activity;
    }

    /// <summary>Marks the current span, when it is one of this client's, as failed with <paramref name="errorType"/>.</summary>
    public static void Failed(string errorType)
    {
        if (Activity.Current is { } activity && ReferenceEquals(activity.Source, Source))
        {
            activity.SetTag(ErrorTypeAttribute, errorType);
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }

    /// <summary>
    /// The <c>error.type</c> of a failure: <c>timeout</c>, <c>connection_refused</c>, <c>connection_reset</c>,
    /// <c>host_not_found</c>, else the exception's full type name (a <see cref="MemcachedException"/> by its cause when
    /// it wraps one of those); <see cref="Unavailable"/> when there is no exception.
    /// </summary>
    public static string ErrorType(Exception? error) => error switch
    {
        null => Unavailable,
        TimeoutException => "timeout",
        SocketException { SocketErrorCode: SocketError.TimedOut } => "timeout",
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection_refused",
        SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown } => "connection_reset",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => "host_not_found",
        MemcachedException { InnerException: TimeoutException or SocketException or IOException { InnerException: SocketException } } wrapper
            => ErrorType(wrapper.InnerException is IOException io ? io.InnerException : wrapper.InnerException),
        IOException { InnerException: SocketException socket } => ErrorType(socket),
        _ => error.GetType().FullName ?? Unavailable,
    };
}
