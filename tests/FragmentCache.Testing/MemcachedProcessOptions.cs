namespace FragmentCache.Tests.Infrastructure;

/// <summary>How a <see cref="MemcachedProcess"/> is started. The defaults give a plain TCP server
/// (<c>-l 127.0.0.1 -p PORT -U 0 -t 2 -m 64</c>).</summary>
public sealed record MemcachedProcessOptions
{
    /// <summary>Extra command-line arguments appended as-is. The default is none.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>Max item size in bytes (<c>-I</c>), or <c>null</c> for memcached's 1 MiB default.</summary>
    public int? MaxItemSize { get; init; }

    /// <summary>Memory limit in megabytes (<c>-m</c>). The default is 64.</summary>
    public int MemoryMegabytes { get; init; } = 64;

    /// <summary>Worker threads (<c>-t</c>). The default is 2.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Certificates for TLS (<c>-Z -o ssl_chain_cert=..,ssl_key=..</c>), or <c>null</c> for plain TCP.</summary>
    public TestCertificates? Tls { get; init; }

    /// <summary>With <see cref="Tls"/>: also pass <c>ssl_ca_cert</c> and <c>ssl_verify_mode=2</c>, so the server
    /// requires a client certificate signed by the test CA. The default is <c>false</c>.</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>With <see cref="Tls"/>: pass <c>ssl_session_cache</c>. Without it, memcached 1.6.18 with
    /// <c>ssl_verify_mode=2</c> answers a resumed TLS session with an "internal error" alert (OpenSSL has no session
    /// id context), and .NET's <see cref="System.Net.Security.SslStream"/> resumes by default. The default is <c>false</c>.</summary>
    public bool TlsSessionCache { get; init; }

    /// <summary>ASCII auth entries (<c>user:password</c> lines) written to an authfile passed with <c>-Y</c>,
    /// or <c>null</c> for no authentication. memcached reads at most 8 entries.</summary>
    public IReadOnlyList<string>? AuthFileEntries { get; init; }

    /// <summary>Listen on a unix socket (<c>-s path -a 0666</c>) instead of TCP. The default is <c>false</c>.</summary>
    public bool UnixSocket { get; init; }

    /// <summary>
    /// The TCP port to try first, or <c>null</c> (the default) for a free one. If it is taken, another port is picked,
    /// as when a free port is lost to a race.
    /// </summary>
    public int? PreferredPort { get; init; }

    /// <summary>How long to wait for the server to answer <c>stats</c> with its pid. The default is 10 seconds.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
