using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace FragmentCache.Benchmarks.Farm;

/// <summary>Reads memcached's own counters (<c>stats</c>) over a socket of its own.</summary>
internal static class ServerStats
{
    /// <summary>The server's <c>cmd_get</c>: keys asked for by every get and get-many so far.</summary>
    public static long CmdGet(this BenchmarkServer server)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000, NoDelay = true };
        socket.Connect(server.EndPoint);
        socket.Send("stats\r\n"u8);
        var reply = new StringBuilder();
        var buffer = new byte[8192];
        for (var i = 0; i < 100 && !reply.ToString().EndsWith("END\r\n", StringComparison.Ordinal); i++)
        {
            var read = socket.Receive(buffer);
            if (read == 0)
            {
                break;
            }

            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        foreach (var line in reply.ToString().Split("\r\n"))
        {
            if (line.StartsWith("STAT cmd_get ", StringComparison.Ordinal))
            {
                return long.Parse(line["STAT cmd_get ".Length..], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("memcached's stats have no cmd_get: " + reply);
    }
}
