namespace FragmentCache;

/// <summary>What a fragment entry's content is.</summary>
internal enum FragmentContentKind : byte
{
    /// <summary>UTF-8 text.</summary>
    Utf8Text = 0,
    /// <summary>Bytes.</summary>
    Bytes = 1,

    /// <summary>UTF-8 markup with a hole table beside it: <c>uint32 table length, the table, the markup</c> (see <see cref="FragmentHolesLayout"/>).</summary>
    Utf8TextWithHoles = 2,
}
