namespace FragmentCache.Mvc.Internal;

/// <summary>Store names as <see cref="IFragmentCacheStores"/> documents them, and the error of a name it does not know.</summary>
internal static class StoreNames
{
    /// <summary>The main store's name (<see cref="IFragmentCacheStores.Names"/> lists it first).</summary>
    public const string Default = "default";

    /// <summary>The error of an unknown store: its name, the configured ones, and where to add it.</summary>
    public static string Unknown(string name, IEnumerable<string> names)
        => $"No FragmentCache store named '{name}'. Configured: {string.Join(", ", names)}. Add it under FragmentCache:Stores:{name}.";
}
