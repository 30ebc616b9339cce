using System.Collections.Concurrent;

namespace FragmentCache;

/// <summary>
/// The <see cref="IFragmentPrefetcher"/> of one <see cref="DefaultFragmentCache"/>: per route, the full keys and tags its
/// last request looked up (bounded), and the read of them that a request starts. The open scope lives in an
/// <see cref="AsyncLocal{T}"/>, so the cache's lookups find it without any parameter.
/// </summary>
internal sealed class FragmentPrefetcher : IFragmentPrefetcher
{
    private static readonly AsyncLocal<FragmentPrefetchScope?> CurrentScope = new();

    // Set once any scope has been opened in the process: until then a lookup does not read the AsyncLocal.
    private static volatile bool s_used;

    // Bumped after every invalidation made in this process: a scope whose read started before one does not answer.
    private static long s_invalidations;

    private readonly ConcurrentDictionary<string, RouteKeys> _routes = new(StringComparer.Ordinal);
    private readonly ICacheStore? _store;
    private readonly ICachePrefetchStore? _prefetchStore;
    private readonly TagGenerationStore? _tags;
    private readonly StoreErrorReporter? _errors;

    public FragmentPrefetcher(ICacheStore store, TagGenerationStore tags, StoreErrorReporter errors)
    {
        _store = store;
        _prefetchStore = store as ICachePrefetchStore;
        _tags = tags;
        _errors = errors;
        Enabled = store is not ICacheLeaseStore || _prefetchStore is not null;
    }

    private FragmentPrefetcher()
    {
    }

    /// <summary>A prefetcher that reads nothing (the app's <see cref="IFragmentCache"/> is not the default one).</summary>
    public static FragmentPrefetcher Off { get; } = new();

    /// <summary>Whether scopes read anything: false for a lease store that cannot read ahead without taking leases' rights.</summary>
    public bool Enabled { get; }

    /// <summary>How many routes are remembered.</summary>
    public int RouteCount => _routes.Count;

    /// <summary>The scope open in this execution context, if any (one read of the AsyncLocal only once one was opened).</summary>
    public static FragmentPrefetchScope? Current => s_used ? CurrentScope.Value : null;

    /// <summary>The count of invalidations made in this process so far.</summary>
    public static long Invalidations => Volatile.Read(ref s_invalidations);

    /// <summary>Records that an invalidation was made (after the store took it): reads started before it no longer answer.</summary>
    public static void NoteInvalidation() => Interlocked.Increment(ref s_invalidations);

    /// <summary>The routes remembered.</summary>
    public ICollection<string> Routes => _routes.Keys;

    /// <summary>The keys remembered for <paramref name="route"/> (empty when none).</summary>
    public IReadOnlyList<string> KeysOf(string route) => _routes.TryGetValue(route, out var known) ? known.FullKeys : [];

    public IDisposable BeginRequest(string route, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (!Enabled)
        {
            return NoScope.Instance;
        }

        s_used = true;
        // The count is taken before the read is sent: an invalidation finished after it makes the read unusable.
        var invalidations = Invalidations;
        var fetch = _routes.TryGetValue(route, out var known) ? FetchAsync(known, cancellationToken) : null;
        var scope = new FragmentPrefetchScope(this, route, fetch, invalidations, CurrentScope.Value);
        CurrentScope.Value = scope;
        return scope;
    }

    internal void End(FragmentPrefetchScope scope, List<string> fullKeys, List<string> tagNames)
    {
        if (ReferenceEquals(CurrentScope.Value, scope))
        {
            CurrentScope.Value = scope.Outer;
        }

        if (fullKeys.Count == 0)
        {
            // The route looked nothing up this time: stop reading for it.
            _routes.TryRemove(scope.Route, out _);
            return;
        }

        if (_routes.TryGetValue(scope.Route, out var known))
        {
            if (Same(known.FullKeys, fullKeys) && Same(known.Tags, tagNames))
            {
                return;
            }
        }
        else if (_routes.Count >= IFragmentPrefetcher.MaxRoutes)
        {
            // Full: make room by forgetting some route (whichever the table yields first).
            foreach (var old in _routes.Keys)
            {
                if (_routes.TryRemove(old, out _) && _routes.Count < IFragmentPrefetcher.MaxRoutes)
                {
                    break;
                }
            }
        }

        _routes[scope.Route] = new RouteKeys([.. fullKeys], [.. tagNames]);
    }

    private async Task<PrefetchedEntries?> FetchAsync(RouteKeys known, CancellationToken cancellationToken)
    {
        try
        {
            var keys = new string[known.FullKeys.Length + known.Tags.Length];
            known.FullKeys.CopyTo(keys, 0);
            for (var i = 0; i < known.Tags.Length; i++)
            {
                keys[known.FullKeys.Length + i] = _tags!.CounterKey(known.Tags[i]);
            }

            var found = _prefetchStore is not null
                ? await _prefetchStore.GetManyForPrefetchAsync(keys, cancellationToken).ConfigureAwait(false)
                : await _store!.GetManyAsync(keys, cancellationToken).ConfigureAwait(false);
            var generations = new Dictionary<string, ulong>(known.Tags.Length, StringComparer.Ordinal);
            for (var i = 0; i < known.Tags.Length; i++)
            {
                if (found.TryGetValue(keys[known.FullKeys.Length + i], out var counter) && DecimalValue.TryParse(counter.Value.Span, out var generation))
                {
                    generations[known.Tags[i]] = generation;
                }
            }

            return new PrefetchedEntries(found, generations);
        }
        catch (Exception ex)
        {
            // The lookups take the normal path (a dead server is a miss there too).
            if (ex is not OperationCanceledException)
            {
                _errors!.Report(ex, MetricLayers.Fragment, "prefetch");
            }

            return null;
        }
    }

    private static bool Same(string[] known, List<string> used)
    {
        if (known.Length != used.Count)
        {
            return false;
        }

        for (var i = 0; i < known.Length; i++)
        {
            if (!string.Equals(known[i], used[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private sealed record RouteKeys(string[] FullKeys, string[] Tags);

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();

        public void Dispose()
        {
        }
    }
}

/// <summary>What one prefetch read: the items found (by full key) and the tag generations found (by tag).</summary>
internal sealed record PrefetchedEntries(IReadOnlyDictionary<string, CacheItem> Items, Dictionary<string, ulong> Generations);
