namespace FragmentCache.Memcached.Protocol;

/// <summary>The first token of a reply line.</summary>
internal enum ReplyCode : byte
{
    /// <summary>Not a reply we know: always a protocol error.</summary>
    Unknown = 0,

    /// <summary><c>VA &lt;len&gt;</c>: a value follows.</summary>
    Value,

    /// <summary><c>HD</c>: success without a value.</summary>
    Header,

    /// <summary><c>EN</c>: miss (mg).</summary>
    Miss,

    /// <summary><c>NF</c>: not found.</summary>
    NotFound,

    /// <summary><c>NS</c>: not stored.</summary>
    NotStored,

    /// <summary><c>EX</c>: CAS mismatch.</summary>
    Exists,

    /// <summary><c>MN</c>: end of a pipeline (reply to <c>mn</c>).</summary>
    NoOp,

    /// <summary><c>ERROR</c>: the server did not understand the command.</summary>
    Error,

    /// <summary><c>CLIENT_ERROR &lt;msg&gt;</c>.</summary>
    ClientError,

    /// <summary><c>SERVER_ERROR &lt;msg&gt;</c>.</summary>
    ServerError,
}
