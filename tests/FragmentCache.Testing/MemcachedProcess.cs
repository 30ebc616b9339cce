using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FragmentCache.Tests.Infrastructure;

/// <summary>
/// A real <c>/usr/bin/memcached</c> on a free loopback port (or a unix socket), started for one test or
/// fixture and killed on dispose. Also a raw-socket helper (<see cref="RawAsync"/>) for golden transcripts.
/// </summary>
public sealed partial class MemcachedProcess : IAsyncDisposable
{
    /// <summary>The memcached binary (Debian's <c>memcached</c> package).</summary>
    public const string ExecutablePath = "/usr/bin/memcached";

    /// <summary>How long <see cref="RawAsync"/> waits for its terminator.</summary>
    public static readonly TimeSpan RawTimeout = TimeSpan.FromSeconds(5);

    private const int MaxPortAttempts = 3;
    private const int MaxRawReplyBytes = 16 * 1024 * 1024;
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Every memcached this process started and has not killed yet. A test that fails before it disposes its server (a
    /// host whose startup throws, say) would otherwise leave memcached running after the test run: they are killed
    /// when the test process exits.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Process, byte> Running = CreateRunningSet();

    private readonly MemcachedProcessOptions _options;
    private readonly string _directory;
    private readonly string? _authFilePath;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private MemcachedProcess(MemcachedProcessOptions options)
    {
        _options = options;
        _directory = TestFiles.CreateDirectory("memcached-", worldWritable: options.UnixSocket);
        if (options.UnixSocket)
        {
            UnixSocketPath = Path.Combine(_directory, "memcached.sock");
        }

        if (options.AuthFileEntries is { } entries)
        {
            _authFilePath = TestFiles.WriteFile(_directory, "authfile", string.Join('\n', entries) + "\n");
        }
    }

    /// <summary>The TCP port, or 0 for a unix-socket server.</summary>
    public int Port { get; private set; }

    /// <summary>The unix socket path, or <c>null</c> for a TCP server.</summary>
    public string? UnixSocketPath { get; }

    /// <summary><c>127.0.0.1:PORT</c>, or <c>unix:/path</c> for a unix-socket server.</summary>
    public string Address => UnixSocketPath is { } path
        ? "unix:" + path
        : "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The endpoint to connect a socket to.</summary>
    public EndPoint EndPoint => UnixSocketPath is { } path
        ? new UnixDomainSocketEndPoint(path)
        : new IPEndPoint(IPAddress.Loopback, Port);

    /// <summary>The options this server was started with.</summary>
    public MemcachedProcessOptions Options => _options;

    /// <summary>Whether the memcached process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The <c>-Y</c> login line for the first authfile entry (a fake <c>set</c>), or "" without auth.</summary>
    public string LoginCommand => _options.AuthFileEntries is [var first, ..]
        ? AuthLoginCommand(first[..first.IndexOf(':', StringComparison.Ordinal)], first[(first.IndexOf(':', StringComparison.Ordinal) + 1)..])
        : "";

    /// <summary>Everything memcached wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts memcached and waits until it answers <c>stats</c> with its own pid.</summary>
    /// <exception cref="InvalidOperationException">memcached did not start; the message carries its stderr.</exception>
    public static async Task<MemcachedProcess> StartAsync(MemcachedProcessOptions? options = null, CancellationToken cancellationToken = default)
    {
        var process = new MemcachedProcess(options ?? new MemcachedProcessOptions());
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                if (!process._options.UnixSocket)
                {
                    process.Port = attempt == 1 && process._options.PreferredPort is { } preferred ? preferred : FreePort.Next();
                }

                try
                {
                    await process.LaunchAsync(cancellationToken);
                    return process;
                }
                catch (InvalidOperationException) when (attempt < MaxPortAttempts && process.Output.Contains("in use", StringComparison.Ordinal))
                {
                    // Another process took the free port between our probe and memcached's bind: pick another.
                }
            }
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>The <c>-Y</c> login: a fake <c>set</c> whose data block is <c>user password</c>.</summary>
    public static string AuthLoginCommand(string user, string password)
    {
        var payload = user + " " + password;
        return $"set auth 0 0 {Encoding.UTF8.GetByteCount(payload)}\r\n{payload}\r\n";
    }

    private static System.Collections.Concurrent.ConcurrentDictionary<Process, byte> CreateRunningSet()
    {
        var running = new System.Collections.Concurrent.ConcurrentDictionary<Process, byte>();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in running.Keys)
            {
                try
                {
                    process.Kill();
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Already gone.
                }
            }
        };
        return running;
    }

    /// <summary>Kills memcached with SIGKILL and waits until it has exited.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        Running.TryRemove(process, out _);
        try
        {
            if (!process.HasExited)
            {
                process.Kill(); // SIGKILL on Unix.
            }

            using var timeout = new CancellationTokenSource(ExitTimeout);
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Kills memcached and starts a fresh, empty one on the same port (or socket path).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await KillAsync();
        await LaunchAsync(cancellationToken);
    }

    /// <summary>
    /// Opens a fresh connection (TLS when the server uses TLS, offering the test client certificate), sends
    /// <paramref name="commandText"/> verbatim (Latin-1, so <c>\x00</c>..<c>\xff</c> are single bytes) and reads
    /// until the received text ends with <paramref name="terminator"/> or the server closes the connection.
    /// End a multi-command batch with <c>mn\r\n</c> and pass <c>"MN\r\n"</c> to be sure every reply is in.
    /// </summary>
    /// <exception cref="TimeoutException">The terminator did not arrive within <see cref="RawTimeout"/>.</exception>
    public async Task<string> RawAsync(string commandText, string terminator = "\r\n", CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RawTimeout);
        var received = new StringBuilder();
        try
        {
            await using var stream = await ConnectAsync(timeout.Token);
            await stream.WriteAsync(Encoding.Latin1.GetBytes(commandText), timeout.Token);
            var buffer = new byte[64 * 1024];
            while (received.Length < MaxRawReplyBytes)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                received.Append(Encoding.Latin1.GetString(buffer, 0, read));
                if (EndsWith(received, terminator))
                {
                    break;
                }
            }

            return received.ToString();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"memcached at {Address} did not send '{Escape(terminator)}' within {RawTimeout.TotalSeconds} s; received so far: '{Escape(received.ToString())}'");
        }
    }

    /// <summary>Opens a connection to the server: a <see cref="NetworkStream"/>, or an authenticated
    /// <see cref="SslStream"/> for a TLS server.</summary>
    public async Task<Stream> ConnectAsync(CancellationToken cancellationToken = default)
    {
        var socket = UnixSocketPath is null
            ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(EndPoint, cancellationToken);
            var stream = new NetworkStream(socket, ownsSocket: true);
            if (_options.Tls is not { } certificates)
            {
                return stream;
            }

            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                await ssl.AuthenticateAsClientAsync(certificates.CreateClientOptions(withClientCertificate: true, allowTlsResume: false), cancellationToken);
                return ssl;
            }
            catch
            {
                await ssl.DisposeAsync();
                throw;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Runs <c>stats</c> (after the <c>-Y</c> login when the server requires it) and returns every
    /// <c>STAT name value</c> pair.</summary>
    public async Task<Dictionary<string, string>> StatsAsync(string? group = null, CancellationToken cancellationToken = default)
    {
        var command = group is null ? "stats\r\n" : $"stats {group}\r\n";
        var reply = await RawAsync(LoginCommand + command, "END\r\n", cancellationToken);
        var stats = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in reply.Split("\r\n"))
        {
            if (line.StartsWith("STAT ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 3);
                stats[parts[1]] = parts.Length > 2 ? parts[2] : "";
            }
        }

        if (stats.Count == 0)
        {
            throw new InvalidOperationException($"memcached at {Address} answered stats with '{Escape(reply)}'");
        }

        return stats;
    }

    /// <summary>The number of items currently stored (<c>curr_items</c>).</summary>
    public async Task<long> ItemCountAsync(CancellationToken cancellationToken = default)
    {
        var stats = await StatsAsync(cancellationToken: cancellationToken);
        return long.Parse(stats["curr_items"], CultureInfo.InvariantCulture);
    }

    /// <summary>Kills memcached and deletes its temp directory.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            TestFiles.TryDelete(_directory);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"memcached {Address}";

    private static bool EndsWith(StringBuilder text, string suffix)
    {
        if (text.Length < suffix.Length)
        {
            return false;
        }

        for (var i = 0; i < suffix.Length; i++)
        {
            if (text[text.Length - suffix.Length + i] != suffix[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string Escape(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
