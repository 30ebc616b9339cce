namespace FragmentCache.Memcached;

/// <summary>
/// What a get found: the raw value with its format flags, the CAS token and lifetime when asked for, and the
/// lease state. A placeholder created by a lease (<see cref="MemcachedGetOptions.LeaseTime"/>) is not a hit.
/// </summary>
public readonly struct MemcachedItem
{
    private readonly byte[]? _value;
    private readonly IMemcachedSerializer? _serializer;

    internal MemcachedItem(MemcachedItemStatus status, byte[]? value, uint flags, ulong cas, TimeSpan? timeToLive,
        bool won, bool stale, bool leaseTaken, IMemcachedSerializer? serializer, Connections.RentedValue? rented = null)
    {
        Status = status;
        _value = value;
        Rented = rented;
        Flags = flags;
        Cas = cas;
        TimeToLive = timeToLive;
        Won = won;
        Stale = stale;
        LeaseTaken = leaseTaken;
        _serializer = serializer;
    }

    /// <summary>Hit, miss, or failure (server down, timeout, protocol error).</summary>
    public MemcachedItemStatus Status { get; }

    /// <summary>Whether a real value was found.</summary>
    public bool IsHit => Status == MemcachedItemStatus.Hit;

    /// <summary>The stored bytes as they are on the server (possibly compressed: see <see cref="Flags"/>). Empty on a miss.</summary>
    public ReadOnlyMemory<byte> RawValue => Rented is { } rented ? rented.Value : _value;

    /// <summary>The pooled array that holds the value, for a get that asked for one: its caller disposes it.</summary>
    internal Connections.RentedValue? Rented { get; }

    /// <summary>The client flags stored with the value; they say its format.</summary>
    public uint Flags { get; }

    /// <summary>The CAS token, when asked for or when a lease was involved; 0 otherwise.</summary>
    public ulong Cas { get; }

    /// <summary>The remaining lifetime when asked for; <see langword="null"/> when unknown or infinite.</summary>
    public TimeSpan? TimeToLive { get; }

    /// <summary>This caller won the lease: it should compute the value and store it with <see cref="Cas"/>.</summary>
    public bool Won { get; }

    /// <summary>The value was invalidated as stale; it may still be served while one caller recomputes it.</summary>
    public bool Stale { get; }

    /// <summary>Another caller holds the lease and is computing the value.</summary>
    public bool LeaseTaken { get; }

    /// <summary>
    /// Decodes the value: strings and byte arrays are read as stored, other types with the client's serializer.
    /// Returns <see langword="default"/> on a miss. Throws <see cref="System.IO.InvalidDataException"/> when the
    /// stored bytes cannot be decoded.
    /// </summary>
    public T? GetValue<T>() =>
        IsHit ? MemcachedValueCodec.Decode<T>(RawValue.Span, Flags, _serializer ?? MemcachedClient.DefaultSerializer) : default;
}
