namespace FragmentCache.Memcached.Protocol;

/// <summary>Which meta command a <see cref="MetaRequest"/> sends.</summary>
internal enum MetaCommand : byte
{
    Get,
    Set,
    Delete,
    Arithmetic,
    NoOp,
}

/// <summary>
/// Everything needed to format one meta command. Numbers are formatted by the writer, never
/// interpolated from caller text; the key must already be a legal wire key.
/// </summary>
internal struct MetaRequest
{
    /// <summary>Marks an absent optional TTL-like argument.</summary>
    public const long None = long.MinValue;

    public MetaCommand Command;
    public string Key;

    // mg
    public bool ReturnValue;
    public bool ReturnCas;
    public bool ReturnTtl;

    /// <summary><c>N</c>: vivify on miss with this lease TTL.</summary>
    public long VivifyTtl;

    /// <summary><c>R</c>: win a recache when the remaining TTL is below this.</summary>
    public long RecacheTtl;

    /// <summary><c>T</c>: the new TTL (mg touch, ms TTL, md stale TTL, ma TTL on success).</summary>
    public long Ttl;

    // ms
    public uint ClientFlags;

    /// <summary><c>C</c>: compare-and-swap token, 0 for none.</summary>
    public ulong CompareCas;

    /// <summary><c>I</c>: invalidate (md: mark stale; ms with an older CAS: store but keep stale).</summary>
    public bool Invalidate;

    /// <summary><c>M</c> for ms: 'S' set, 'E' add, 'R' replace, 'A' append, 'P' prepend. 0 = set.</summary>
    public byte Mode;

    // ma
    public ulong Delta;
    public ulong InitialValue;
    public bool Decrement;

    /// <summary>
    /// Whether the request asks for its key back (<c>k</c>): every command whose reply can carry a value does, so a reply
    /// that reaches the wrong waiter (a lost reply, then a corrupted opaque) cannot hand over another key's value.
    /// </summary>
    public readonly bool EchoesKey => Command is MetaCommand.Get or MetaCommand.Arithmetic;

    public static MetaRequest Create(MetaCommand command, string key) => new()
    {
        Command = command,
        Key = key,
        VivifyTtl = None,
        RecacheTtl = None,
        Ttl = None,
    };
}
