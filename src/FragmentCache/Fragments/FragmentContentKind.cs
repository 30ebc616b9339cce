namespace FragmentCache;

/// <summary>What a fragment entry's content is.</summary>
internal enum FragmentContentKind : byte
{
    Utf8Text = 0,
    Bytes = 1,
}
