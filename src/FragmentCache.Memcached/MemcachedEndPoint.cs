using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FragmentCache.Memcached;

/// <summary>
/// The address of one memcached server: a host name, an IPv4 or IPv6 address with a port, or a Unix domain
/// socket path.
/// </summary>
/// <remarks>
/// Accepted forms (surrounding whitespace is ignored): <c>host:port</c>, <c>host</c> (port 11211),
/// <c>1.2.3.4:port</c>, <c>[ipv6]:port</c>, <c>[ipv6]</c> and <c>unix:/absolute/path.sock</c>. An IPv6 address
/// must be written in brackets. Two end points are equal when their canonical forms (<see cref="ToString"/>)
/// are equal; host names are compared as written (ordinal), because the consistent-hashing placement uses
/// the name as written.
/// </remarks>
public sealed class MemcachedEndPoint : IEquatable<MemcachedEndPoint>
{
    /// <summary>The port memcached listens on by default: 11211.</summary>
    public const int DefaultPort = 11211;

    private const string UnixPrefix = "unix:";
    private const string Usage = "Use host:port, [ipv6]:port or unix:/path/to.sock.";
    private const int MaxHostNameLength = 253;
    private const int MaxLabelLength = 63;

    // sun_path is 108 bytes on Linux, including the terminating NUL.
    private const int MaxUnixSocketPathBytes = 107;

    private readonly IPAddress? _address;
    private readonly string _canonical;

    private MemcachedEndPoint(string? host, IPAddress? address, int port, string? unixSocketPath)
    {
        Host = host;
        _address = address;
        Port = port;
        UnixSocketPath = unixSocketPath;
        TelemetryPort = unixSocketPath is null ? port : null;

        if (unixSocketPath is not null)
        {
            _canonical = UnixPrefix + unixSocketPath;
            KetamaName = unixSocketPath;
            RendezvousName = unixSocketPath;
        }
        else
        {
            string portText = port.ToString(CultureInfo.InvariantCulture);
            bool isIPv6 = address?.AddressFamily == AddressFamily.InterNetworkV6;
            _canonical = isIPv6 ? $"[{host}]:{portText}" : $"{host}:{portText}";
            RendezvousName = $"{host}:{portText}";
            KetamaName = port == DefaultPort ? host! : RendezvousName;
        }
    }

    /// <summary>
    /// The host name or IP address as written (IPv6 without brackets), or <see langword="null"/> for a Unix
    /// domain socket.
    /// </summary>
    public string? Host { get; }

    /// <summary>The TCP port (1-65535; 11211 when not given), or 0 for a Unix domain socket.</summary>
    public int Port { get; }

    /// <summary>The absolute socket path for a Unix domain socket; otherwise <see langword="null"/>.</summary>
    public string? UnixSocketPath { get; }

    /// <summary>Whether this is a Unix domain socket (<c>unix:/path</c>) rather than a TCP address.</summary>
    [MemberNotNullWhen(true, nameof(UnixSocketPath))]
    [MemberNotNullWhen(false, nameof(Host))]
    public bool IsUnixSocket => UnixSocketPath is not null;

    /// <summary>OpenTelemetry's <c>server.address</c> of this server: the host as written, or the socket path.</summary>
    internal string TelemetryAddress => UnixSocketPath ?? Host!;

    /// <summary>OpenTelemetry's <c>server.port</c> of this server, boxed once (tags take objects); null for a Unix domain socket.</summary>
    internal object? TelemetryPort { get; }

    /// <summary>
    /// The name libmemcached's ketama hashes for this server: the host as written (no brackets) when the port
    /// is 11211, otherwise <c>host:port</c>; the path for a Unix domain socket.
    /// </summary>
    internal string KetamaName { get; }

    /// <summary>The node name for rendezvous hashing: <c>host:port</c>; the path for a Unix domain socket.</summary>
    internal string RendezvousName { get; }

    /// <summary>
    /// Parses a server address.
    /// </summary>
    /// <param name="text">
    /// <c>host:port</c>, <c>host</c> (port 11211), <c>1.2.3.4:port</c>, <c>[ipv6]:port</c>, <c>[ipv6]</c> or
    /// <c>unix:/absolute/path.sock</c>.
    /// </param>
    /// <returns>The parsed end point.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not a valid address; the message says why.</exception>
    public static MemcachedEndPoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out MemcachedEndPoint? endPoint, out string? error))
        {
            throw new FormatException(error);
        }

        return endPoint;
    }

    /// <summary>
    /// Tries to parse a server address (see <see cref="Parse"/> for the accepted forms).
    /// </summary>
    /// <param name="text">The address to parse.</param>
    /// <param name="endPoint">The parsed end point, or <see langword="null"/> when parsing fails.</param>
    /// <param name="error">
    /// When parsing fails, a message naming the offending value and the reason; otherwise <see langword="null"/>.
    /// </param>
    /// <returns><see langword="true"/> if <paramref name="text"/> is a valid address.</returns>
    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out MemcachedEndPoint? endPoint,
        [NotNullWhen(false)] out string? error)
    {
        string? reason = TryParseCore(text, out endPoint);
        if (reason is null && endPoint is not null)
        {
            error = null;
            return true;
        }

        string shown = text is null ? "(null)" : $"'{text}'";
        error = $"{shown} is not a valid Memcached server address: {reason}. {Usage}";
        return false;
    }

    /// <summary>
    /// Creates a socket end point to connect to: a <see cref="UnixDomainSocketEndPoint"/>, an
    /// <see cref="IPEndPoint"/> for an IP address, or a <see cref="DnsEndPoint"/> for a host name (so the name
    /// is resolved again on every connect).
    /// </summary>
    /// <returns>A new end point instance.</returns>
    public EndPoint ToEndPoint()
    {
        if (IsUnixSocket)
        {
            return new UnixDomainSocketEndPoint(UnixSocketPath);
        }

        return _address is not null ? new IPEndPoint(_address, Port) : new DnsEndPoint(Host, Port);
    }

    /// <summary>
    /// Returns the canonical form: <c>host:port</c>, <c>[ipv6]:port</c> or <c>unix:/path</c>.
    /// </summary>
    public override string ToString() => _canonical;

    /// <summary>Whether <paramref name="other"/> has the same canonical form.</summary>
    /// <param name="other">The end point to compare with.</param>
    public bool Equals(MemcachedEndPoint? other)
        => other is not null && string.Equals(_canonical, other._canonical, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as MemcachedEndPoint);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_canonical);

    // Returns null on success, otherwise the reason (a sentence fragment).
    private static string? TryParseCore(string? text, out MemcachedEndPoint? endPoint)
    {
        endPoint = null;
        if (text is null)
        {
            return "the address is missing";
        }

        string value = text.Trim();
        if (value.Length == 0)
        {
            return "the address is empty";
        }

        if (value.StartsWith(UnixPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return TryParseUnix(value[UnixPrefix.Length..], out endPoint);
        }

        string host;
        string? portText = null;
        if (value[0] == '[')
        {
            int close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return "the IPv6 address has no closing ']'";
            }

            host = value[1..close];
            string rest = value[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    return "only ':port' may follow the ']' of an IPv6 address";
                }

                portText = rest[1..];
            }

            if (!IPAddress.TryParse(host, out IPAddress? v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return "the text in brackets is not an IPv6 address";
            }

            return TryCreate(host, v6, portText, out endPoint);
        }

        int colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && value.IndexOf(':', colon + 1) >= 0)
        {
            return "an IPv6 address must be written in brackets, as [ipv6] or [ipv6]:port";
        }

        if (colon >= 0)
        {
            host = value[..colon];
            portText = value[(colon + 1)..];
        }
        else
        {
            host = value;
        }

        if (host.Length == 0)
        {
            return "the host is empty";
        }

        string? hostError = CheckHostName(host, out IPAddress? v4);
        return hostError ?? TryCreate(host, v4, portText, out endPoint);
    }

    private static string? TryCreate(string host, IPAddress? address, string? portText, out MemcachedEndPoint? endPoint)
    {
        endPoint = null;
        int port = DefaultPort;
        if (portText is not null
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            return "the port must be 1-65535";
        }

        endPoint = new MemcachedEndPoint(host, address, port, unixSocketPath: null);
        return null;
    }

    private static string? TryParseUnix(string path, out MemcachedEndPoint? endPoint)
    {
        endPoint = null;
        if (path.Length < 2 || path[0] != '/')
        {
            return "the Unix socket path must be absolute, like unix:/var/run/memcached.sock";
        }

        if (path.AsSpan().ContainsAnyInRange('\0', '\x1F') || path.Contains('\x7F', StringComparison.Ordinal))
        {
            return "the Unix socket path contains a control character";
        }

        if (Encoding.UTF8.GetByteCount(path) > MaxUnixSocketPathBytes)
        {
            return $"the Unix socket path is longer than {MaxUnixSocketPathBytes} bytes";
        }

        endPoint = new MemcachedEndPoint(host: null, address: null, port: 0, path);
        return null;
    }

    // A DNS name (letters, digits, '-', '_', dot-separated labels) or a dotted-quad IPv4 address. A name whose
    // last label is all digits must be an IPv4 address (no top-level domain is numeric), which rejects
    // shorthand like "10.1" or "1.2.3.256" that the OS resolver would read as some other address.
    private static string? CheckHostName(string host, out IPAddress? v4)
    {
        v4 = null;
        if (host.Length > MaxHostNameLength)
        {
            return $"the host name is longer than {MaxHostNameLength} characters";
        }

        ReadOnlySpan<char> lastLabel = host.AsSpan(host.LastIndexOf('.') + 1);
        if (!lastLabel.IsEmpty && !lastLabel.ContainsAnyExceptInRange('0', '9'))
        {
            return IsDottedQuad(host, out v4) ? null : "the host is neither an IPv4 address (a.b.c.d) nor a host name";
        }

        foreach (string label in host.Split('.'))
        {
            if (label.Length is 0 or > MaxLabelLength)
            {
                return "the host name has an empty or overlong part between dots";
            }

            foreach (char c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    return $"the host name contains the character '{c}'";
                }
            }
        }

        return null;
    }

    private static bool IsDottedQuad(string host, out IPAddress? v4)
    {
        v4 = null;
        string[] parts = host.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (string part in parts)
        {
            // No leading zeros: the OS and IPAddress.Parse read "010" as octal.
            if (part.Length is 0 or > 3
                || (part.Length > 1 && part[0] == '0')
                || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int octet)
                || octet > 255)
            {
                return false;
            }
        }

        v4 = IPAddress.Parse(host);
        return true;
    }
}
