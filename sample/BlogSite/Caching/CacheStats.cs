using System.Collections.Concurrent;

namespace BlogSite.Caching;

/// <summary>
/// Per-fragment and per-page counters for the /cache page. The library's meters carry no fragment names
/// (by design: metric tags never carry keys), so the sample counts per name itself, in
/// <see cref="InstrumentedFragmentCache"/>.
/// </summary>
public sealed class CacheStats
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Records one lookup of <paramref name="name"/>.</summary>
    public void Record(string name, CacheOutcome outcome, TimeSpan elapsed) => _entries.GetOrAdd(name, _ => new Entry()).Add(outcome, elapsed);

    /// <summary>A copy of every counter, sorted by name.</summary>
    public IReadOnlyList<CacheStatsRow> Snapshot() =>
        [.. _entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value.ToRow(e.Key))];

    /// <summary>The counters of one name, or an empty row.</summary>
    public CacheStatsRow Get(string name) =>
        _entries.TryGetValue(name, out var entry) ? entry.ToRow(name) : new CacheStatsRow(name, 0, 0, 0, 0, 0);

    private sealed class Entry
    {
        private readonly Lock _lock = new();
        private long _hits;
        private long _misses;
        private long _stale;
        private double _hitMs;
        private double _renderMs;

        public void Add(CacheOutcome outcome, TimeSpan elapsed)
        {
            lock (_lock)
            {
                switch (outcome)
                {
                    case CacheOutcome.Miss:
                        _misses++;
                        _renderMs += elapsed.TotalMilliseconds;
                        break;
                    case CacheOutcome.Stale:
                        _stale++;
                        _hits++;
                        _hitMs += elapsed.TotalMilliseconds;
                        break;
                    default:
                        _hits++;
                        _hitMs += elapsed.TotalMilliseconds;
                        break;
                }
            }
        }

        public CacheStatsRow ToRow(string name)
        {
            lock (_lock)
            {
                return new CacheStatsRow(
                    name, _hits, _misses, _stale,
                    _misses == 0 ? 0 : _renderMs / _misses,
                    _hits == 0 ? 0 : _hitMs / _hits);
            }
        }
    }
}

/// <summary>How one lookup went.</summary>
public enum CacheOutcome
{
    /// <summary>Served from the cache.</summary>
    Hit,

    /// <summary>Rendered (and stored).</summary>
    Miss,

    /// <summary>Served an expired or invalidated copy while another request re-rendered.</summary>
    Stale,
}

/// <summary>The counters of one fragment or page.</summary>
/// <param name="Name">The fragment's name, or <c>page</c> plus the route.</param>
/// <param name="Hits">Lookups served from the cache (stale serves included): each one is a render saved.</param>
/// <param name="Misses">Lookups that rendered.</param>
/// <param name="StaleServes">Hits that served an old copy while another request re-rendered.</param>
/// <param name="MeanRenderMs">Mean time of a lookup that rendered.</param>
/// <param name="MeanHitMs">Mean time of a lookup served from the cache.</param>
public sealed record CacheStatsRow(string Name, long Hits, long Misses, long StaleServes, double MeanRenderMs, double MeanHitMs)
{
    /// <summary>Renders avoided: every hit is one render that did not happen.</summary>
    public long RendersSaved => Hits;
}
