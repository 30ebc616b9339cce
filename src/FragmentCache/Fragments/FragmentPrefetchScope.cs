namespace FragmentCache;

/// <summary>
/// One request's prefetch: the read started when the request began (null when its route had nothing remembered), the
/// invalidation count at that moment, and the keys and tags its lookups used, remembered for the route on dispose.
/// </summary>
internal sealed class FragmentPrefetchScope : IDisposable
{
    private readonly FragmentPrefetcher _owner;
    private readonly List<string> _fullKeys = [];
    private readonly List<string> _tags = [];
    private readonly Lock _gate = new();
    private readonly long _invalidations;
    private bool _closed;

    internal FragmentPrefetchScope(FragmentPrefetcher owner, string route, Task<PrefetchedEntries?>? fetch, long invalidations, FragmentPrefetchScope? outer)
    {
        _owner = owner;
        Route = route;
        Fetch = fetch;
        _invalidations = invalidations;
        Outer = outer;
    }

    /// <summary>The route the scope belongs to.</summary>
    public string Route { get; }

    /// <summary>The read started for the route's remembered keys; null when there were none.</summary>
    public Task<PrefetchedEntries?>? Fetch { get; }

    /// <summary>The scope that was open when this one began (restored when this one ends).</summary>
    public FragmentPrefetchScope? Outer { get; }

    /// <summary>Whether the scope belongs to <paramref name="prefetcher"/> and its request is still running.</summary>
    public bool IsOpenFor(FragmentPrefetcher prefetcher) => !_closed && ReferenceEquals(_owner, prefetcher);

    /// <summary>Whether an invalidation was made in this process since the read started: then it answers nothing.</summary>
    public bool Outdated => FragmentPrefetcher.Invalidations != _invalidations;

    /// <summary>Remembers one lookup (within the per-route bounds).</summary>
    public void Record(string fullKey, IReadOnlyList<string>? tags)
    {
        lock (_gate)
        {
            if (_closed || _fullKeys.Count >= IFragmentPrefetcher.MaxKeysPerRoute || _fullKeys.Contains(fullKey))
            {
                return;
            }

            _fullKeys.Add(fullKey);
            if (tags is null)
            {
                return;
            }

            for (var i = 0; i < tags.Count && _tags.Count < IFragmentPrefetcher.MaxTagsPerRoute; i++)
            {
                if (!string.IsNullOrEmpty(tags[i]) && !_tags.Contains(tags[i]))
                {
                    _tags.Add(tags[i]);
                }
            }
        }
    }

    /// <summary>Ends the request's scope and remembers its lookups for the route.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        _owner.End(this, _fullKeys, _tags);
    }
}
