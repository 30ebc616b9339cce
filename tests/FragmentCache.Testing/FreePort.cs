using System.Net;
using System.Net.Sockets;

namespace FragmentCache.Tests.Infrastructure;

/// <summary>Picks a currently free loopback TCP port (the OS chooses; another process may still race us).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
