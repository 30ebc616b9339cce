namespace FragmentCache;

/// <summary>
/// Where a fragment lives: its key, and the full store key (prefix, version, hash) built from it only when the store
/// is asked - a two-tier hit never needs it.
/// </summary>
internal readonly record struct FragmentSlot(FragmentKey Key, CacheKeyBuilder Keys)
{
    /// <summary>The full store key, built as a new string on every call (the key's hash only once): read it once.</summary>
    public string FullKey => Keys.BuildFragment(Key, Keys.DefaultVersion);
}
