namespace FragmentCache;

/// <summary>A valid entry read from an <see cref="IFragmentEntryStore"/>.</summary>
public readonly struct FragmentStoreEntry
{
    private readonly FragmentEntry _entry;

    internal FragmentStoreEntry(FragmentEntry entry) => _entry = entry;

    /// <summary>The stored content.</summary>
    public ReadOnlyMemory<byte> Content => _entry?.Content ?? default;

    /// <summary>When the entry was stored (the storing process's clock).</summary>
    public DateTimeOffset Created => DateTimeOffset.FromUnixTimeMilliseconds(_entry?.CreatedUnixMilliseconds ?? 0);
}
