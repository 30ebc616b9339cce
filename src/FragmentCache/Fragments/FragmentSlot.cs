namespace FragmentCache;

/// <summary>A fragment's key and the full store key built from it (prefix, version, hash).</summary>
internal readonly record struct FragmentSlot(FragmentKey Key, string FullKey);
