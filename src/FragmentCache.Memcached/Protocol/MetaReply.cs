namespace FragmentCache.Memcached.Protocol;

/// <summary>
/// One parsed meta reply header line (<c>VA 2 f5 c1 t-1 O14 W</c>). Flags that were absent keep their
/// defaults: <see cref="Ttl"/> is <see cref="NoTtl"/>, <see cref="Opaque"/> is <see cref="NoOpaque"/>.
/// </summary>
internal struct MetaReply
{
    /// <summary>Marks an absent <c>t</c> flag.</summary>
    public const long NoTtl = long.MinValue;

    /// <summary>Marks an absent <c>O</c> flag.</summary>
    public const ulong NoOpaque = ulong.MaxValue;

    public ReplyCode Code;

    /// <summary>Length of the data block after a <c>VA</c> line; -1 otherwise.</summary>
    public int ValueLength;

    public uint ClientFlags;
    public ulong Cas;

    /// <summary>Remaining TTL in seconds (-1 = infinite), or <see cref="NoTtl"/>.</summary>
    public long Ttl;

    public ulong Opaque;

    /// <summary><c>W</c>: this client won the right to (re)compute the item.</summary>
    public bool Won;

    /// <summary><c>X</c>: the item was marked stale.</summary>
    public bool Stale;

    /// <summary><c>Z</c>: another client already holds the win token.</summary>
    public bool TokenSent;

    /// <summary>Whether the reply echoed a key (<c>k</c>).</summary>
    public bool HasKey;

    /// <summary>
    /// Whether the echoed key equals the key the parser expected: the single request's key, or for a quiet multi-get
    /// the key at index <see cref="Opaque"/>. False when no key was echoed or none was expected.
    /// </summary>
    public bool KeyMatches;

    /// <summary>The message of a <c>CLIENT_ERROR</c> or <c>SERVER_ERROR</c> line.</summary>
    public string? ErrorMessage;

    public static MetaReply Create(ReplyCode code) => new()
    {
        Code = code,
        ValueLength = -1,
        Ttl = NoTtl,
        Opaque = NoOpaque,
    };
}
