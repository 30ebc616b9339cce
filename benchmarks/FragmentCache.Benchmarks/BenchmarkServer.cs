using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FragmentCache.Benchmarks;

/// <summary>
/// The benchmark's own memcached: <c>-l 127.0.0.1 -p FREE -t 2 -U 0 -m 256</c> (+ <c>-u memcache</c> as root),
/// killed on dispose. Debian's service on 11211 is never touched.
/// </summary>
internal sealed class BenchmarkServer : IDisposable
{
    public const string ExecutablePath = "/usr/bin/memcached";
    public const string InstallHint = "memcached is not installed: sudo apt-get install -y memcached libmemcached-tools";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private readonly Process _process;

    private BenchmarkServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public IReadOnlyList<string> Arguments { get; private init; } = [];

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static BenchmarkServer Start(int threads = 2, int memoryMegabytes = 256)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException(InstallHint);
        }

        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var arguments = new List<string>
        {
            "-l", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture),
            "-t", threads.ToString(CultureInfo.InvariantCulture), "-U", "0",
            "-m", memoryMegabytes.ToString(CultureInfo.InvariantCulture),
        };
        if (Environment.IsPrivilegedProcess)
        {
            arguments.AddRange(["-u", "memcache"]); // memcached refuses to run as root otherwise.
        }

        var startInfo = new ProcessStartInfo(ExecutablePath) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("memcached did not start");
        var server = new BenchmarkServer(process, port) { Arguments = arguments };
        var started = Stopwatch.StartNew();
        while (started.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"memcached exited with {process.ExitCode}: {process.StandardError.ReadToEnd()}");
            }

            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 2000 };
                socket.Connect(server.EndPoint);
                socket.Send("version\r\n"u8);
                var buffer = new byte[64];
                var read = socket.Receive(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("VERSION ", StringComparison.Ordinal))
                {
                    return server;
                }
            }
            catch (SocketException)
            {
            }

            Thread.Sleep(20);
        }

        server.Dispose();
        throw new InvalidOperationException($"memcached did not answer version within {StartTimeout.TotalSeconds} s");
    }

    public string Version()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 2000 };
        socket.Connect(EndPoint);
        socket.Send("version\r\n"u8);
        var buffer = new byte[64];
        var read = socket.Receive(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).Trim();
    }

    /// <summary>Stores <paramref name="keyCount"/> keys <c>key:N</c> with <paramref name="valueSize"/>-byte values
    /// (pipelined quiet <c>ms</c>, one <c>mn</c> at the end) and checks that every one is there.</summary>
    public void Preload(int keyCount, int valueSize)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 10000 };
        socket.Connect(EndPoint);
        var value = new byte[valueSize];
        for (var i = 0; i < value.Length; i++)
        {
            value[i] = (byte)('a' + (i % 26));
        }

        using var batch = new MemoryStream();
        for (var key = 0; key < keyCount; key++)
        {
            batch.Write(Encoding.ASCII.GetBytes($"ms key:{key} {valueSize} T0 q\r\n"));
            batch.Write(value);
            batch.Write("\r\n"u8);
        }

        batch.Write("mn\r\n"u8);
        socket.Send(batch.ToArray());
        var reply = new StringBuilder();
        var buffer = new byte[4096];
        var deadline = Stopwatch.StartNew();
        while (!reply.ToString().EndsWith("MN\r\n", StringComparison.Ordinal) && deadline.Elapsed < StartTimeout)
        {
            var read = socket.Receive(buffer);
            if (read == 0)
            {
                break;
            }

            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        if (reply.ToString() != "MN\r\n")
        {
            throw new InvalidOperationException($"preload failed: {reply}");
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
