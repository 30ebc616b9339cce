namespace FragmentCache;

/// <summary>A tag and the generation of its counter when an entry was built.</summary>
internal readonly record struct TagGeneration(string Tag, ulong Generation);
