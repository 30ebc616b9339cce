namespace FragmentCache.Memcached;

/// <summary>
/// Settings of a <see cref="MemcachedClient"/>. Bound from configuration (for example the
/// <c>FragmentCache:Memcached</c> section); every default is chosen for an HTML cache on a LAN.
/// </summary>
public sealed class MemcachedClientOptions
{
    /// <summary>
    /// The servers: <c>host:port</c>, <c>host</c> (port 11211), <c>[ipv6]:port</c> or <c>unix:/path/to.sock</c>.
    /// Keys are spread over them with <see cref="HashAlgorithm"/>. The default is empty.
    /// </summary>
    public IList<string> Servers { get; } = new List<string>();

    /// <summary>How keys are placed on servers. The default is <see cref="MemcachedHashAlgorithm.Ketama"/>, as libmemcached places them.</summary>
    public MemcachedHashAlgorithm HashAlgorithm { get; set; } = MemcachedHashAlgorithm.Ketama;

    /// <summary>
    /// Persistent connections per server. Each is shared and pipelined by all callers, so a few are enough.
    /// The default is 2.
    /// </summary>
    public int ConnectionsPerServer { get; set; } = 2;

    /// <summary>How long opening a connection (TCP, TLS and login) may take. The default is 1 second.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a request may wait for its reply. When the oldest request on a connection waits longer, the
    /// connection is failed as a whole and replaced. The default is 500 milliseconds.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether to disable Nagle's algorithm on TCP connections. The default is <see langword="true"/>.</summary>
    public bool NoDelay { get; set; } = true;

    /// <summary>
    /// The largest value, in bytes after compression, that is sent to the server; a larger one is not stored and
    /// the key's old value is deleted (as memcached itself does on a failed set). Match it to the server's
    /// <c>-I</c>. The default is 1 MiB (1048576), memcached's default.
    /// </summary>
    public int MaxItemSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Values of at least this many bytes are compressed (Brotli or Deflate, whichever is smaller), when that
    /// makes them smaller. Zero or less turns compression off. The default is 128 KiB: a hit on a compressed
    /// value pays its decompression on every read, so typical cached pages and fragments (10-100 KB) are stored
    /// as they are (on loopback, a 38 KB page's hits were 1.11x faster uncompressed); lower it when memcached's
    /// memory, not CPU, is what runs out.
    /// </summary>
    public int CompressionThreshold { get; set; } = 128 * 1024;

    /// <summary>Requests allowed in flight on one connection; beyond that a request fails at once. The default is 8192.</summary>
    public int MaxInFlightPerConnection { get; set; } = 8192;

    /// <summary>
    /// Consecutive failures (failed connects, timed-out or broken connections) after which a server is
    /// treated as down: its keys are misses and its writes are dropped until a probe succeeds. The default is 3.
    /// </summary>
    public int FailureThreshold { get; set; } = 3;

    /// <summary>
    /// How long a down server is left alone before the first probe. Each failed probe, and each new failure
    /// soon after recovering (flapping), doubles it up to <see cref="MaxBreakDuration"/>; jitter is applied.
    /// The default is 1 second.
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest a down server is left alone between probes. The default is 30 seconds.</summary>
    public TimeSpan MaxBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a down server's keys move to the next live server. Off by default: moving keys serves stale
    /// data when the server comes back, so a down server's keys are simply misses.
    /// </summary>
    public bool Failover { get; set; }

    /// <summary>
    /// User name for memcached's ASCII authentication (<c>memcached -Y authfile</c>). No spaces. The default is
    /// none. The credentials never appear in logs or exception messages.
    /// </summary>
    public string? Username { get; set; }

    /// <summary>Password for memcached's ASCII authentication. No spaces. The default is none.</summary>
    public string? Password { get; set; }

    /// <summary>TLS settings (memcached <c>-Z</c>). Off by default.</summary>
    public MemcachedTlsOptions Tls { get; } = new();

    /// <summary>
    /// Whether a failed operation throws <see cref="MemcachedException"/> instead of reporting a miss
    /// (<see langword="false"/>, <see langword="null"/> or <see cref="MemcachedStoreResult.Failed"/>).
    /// The default is <see langword="false"/>: a cache that is down must not take the application down.
    /// </summary>
    public bool ThrowOnError { get; set; }

    /// <summary>How objects other than strings and byte arrays are serialized. The default is System.Text.Json (web defaults).</summary>
    public IMemcachedSerializer? Serializer { get; set; }

    /// <summary>A copy of these options (the server list and TLS settings included).</summary>
    internal MemcachedClientOptions Clone()
    {
        var copy = new MemcachedClientOptions
        {
            HashAlgorithm = HashAlgorithm,
            ConnectionsPerServer = ConnectionsPerServer,
            ConnectTimeout = ConnectTimeout,
            OperationTimeout = OperationTimeout,
            NoDelay = NoDelay,
            MaxItemSize = MaxItemSize,
            CompressionThreshold = CompressionThreshold,
            MaxInFlightPerConnection = MaxInFlightPerConnection,
            FailureThreshold = FailureThreshold,
            BreakDuration = BreakDuration,
            MaxBreakDuration = MaxBreakDuration,
            Failover = Failover,
            Username = Username,
            Password = Password,
            ThrowOnError = ThrowOnError,
            Serializer = Serializer,
        };
        foreach (var server in Servers)
        {
            copy.Servers.Add(server);
        }

        copy.Tls.Enabled = Tls.Enabled;
        copy.Tls.TargetHost = Tls.TargetHost;
        copy.Tls.ClientCertificate = Tls.ClientCertificate;
        copy.Tls.ServerCertificateValidation = Tls.ServerCertificateValidation;
        copy.Tls.EnabledProtocols = Tls.EnabledProtocols;
        return copy;
    }
}
