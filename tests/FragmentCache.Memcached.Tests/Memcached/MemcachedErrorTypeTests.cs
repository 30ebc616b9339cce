using System.Net.Sockets;
using FragmentCache.Memcached;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Tests.Memcached;

/// <summary>The <c>error.type</c> a failure gets on its span and on the errors counter: a pure function of the exception.</summary>
public sealed class MemcachedErrorTypeTests
{
    public static TheoryData<Exception?, string> Failures => new()
    {
        { null, "unavailable" },
        { new TimeoutException(), "timeout" },
        { new SocketException((int)SocketError.TimedOut), "timeout" },
        { new SocketException((int)SocketError.ConnectionRefused), "connection_refused" },
        { new SocketException((int)SocketError.ConnectionReset), "connection_reset" },
        { new SocketException((int)SocketError.ConnectionAborted), "connection_reset" },
        { new SocketException((int)SocketError.HostNotFound), "host_not_found" },
        { new SocketException((int)SocketError.AccessDenied), "System.Net.Sockets.SocketException" },
        // The client wraps what the socket said; the cause names the failure.
        { new MemcachedException("Connecting timed out.", new TimeoutException()), "timeout" },
        { new MemcachedException("Reading from the server failed.", new IOException("reset", new SocketException((int)SocketError.ConnectionReset))), "connection_reset" },
        { new MemcachedException("Writing to the server failed.", new SocketException((int)SocketError.ConnectionRefused)), "connection_refused" },
        { new IOException("broken", new SocketException((int)SocketError.ConnectionReset)), "connection_reset" },
        { new MemcachedException("The connection closed."), "FragmentCache.Memcached.MemcachedException" },
        { new MemcachedProtocolException("Unexpected reply."), "FragmentCache.Memcached.Protocol.MemcachedProtocolException" },
        { new ObjectDisposedException("connection"), "System.ObjectDisposedException" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void ErrorType_OfFailure_IsItsConventionalName(Exception? failure, string expected) =>
        Assert.Equal(expected, MemcachedActivities.ErrorType(failure));
}
