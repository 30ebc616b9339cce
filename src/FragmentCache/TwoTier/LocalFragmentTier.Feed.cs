using Microsoft.Extensions.Logging;

namespace FragmentCache;

/// <content>
/// Following the store's invalidation feed (<see cref="InvalidationFeed"/>). Every invalidation made through this
/// process is published to the feed (whatever the two-tier setting, so a node that keeps copies also hears a node that
/// does not); every poll reads the feed's counter (one get) and, when it moved, the new slots (one get-many), and applies
/// them: a tag's new generation makes the copies built with an older one stale, a key drops that key's copies (two-tier
/// and outage). A node that fell behind the ring, or whose counter went missing or backwards, drops all its copies; a
/// slot still not written at the next poll counts as fallen behind.
/// </content>
internal sealed partial class LocalFragmentTier
{
    // A ring whose oldest entry is younger than this process (give or take clock skew between nodes) may not reach back
    // to the first copy kept here: the first poll then drops the copies kept before it.
    private static readonly TimeSpan ClockSkewMargin = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _polling = new(1, 1);
    private readonly DateTimeOffset _created;
    private DateTimeOffset _lastSweep;

    // The last sequence applied (null until the first poll), and a slot that was not written yet at the last poll.
    private ulong? _seen;
    private ulong _waitingFor;

    /// <summary>The last feed sequence this process applied; null before its first poll (for tests and diagnostics).</summary>
    internal ulong? SeenSequence => _seen;

    /// <summary>A tag was invalidated in this process: its copies are stale here at once, and on other nodes at their next poll.</summary>
    public async ValueTask TagInvalidatedAsync(string tag, ulong generation, CancellationToken cancellationToken)
    {
        RaiseGeneration(tag, generation);
        await _feed.PublishAsync(InvalidationFeedKind.Tag, tag, generation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A fragment was invalidated in this process: its copies are dropped here (already) and on other nodes at their next poll.</summary>
    public async ValueTask KeyInvalidatedAsync(string key, CancellationToken cancellationToken)
    {
        Remove(key);
        await _feed.PublishAsync(InvalidationFeedKind.Key, key, 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the feed's counter with one get and, when it moved, the new invalidations with one get-many, and applies
    /// them. A failure drops every two-tier copy (outage copies keep their own lifetime).
    /// </summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        await _polling.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PollCoreAsync(cancellationToken).ConfigureAwait(false);
            SweepGenerations();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Cannot tell what changed: drop every copy rather than serve one past the bound. The position is kept, so
            // the next poll applies what was written meanwhile (or finds it fell behind).
            _logger.TwoTierPollFailed(ex);
            _copies.Clear();
        }
        finally
        {
            _polling.Release();
        }
    }

    private async Task PollCoreAsync(CancellationToken cancellationToken)
    {
        var current = await _feed.ReadSequenceAsync(cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            if (_seen is not null)
            {
                // The counter was lost (evicted, server restarted): what was written since the last poll may be too.
                DropAll("counter missing");
                _seen = null;
            }

            var (created, byUs) = await _feed.CreateSequenceAsync(cancellationToken).ConfigureAwait(false);
            if (byUs)
            {
                _seen = created;
                return;
            }

            current = created;
        }

        var last = current.Value;
        if (_seen is not { } seen)
        {
            await FirstSyncAsync(last, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (last == seen)
        {
            return;
        }

        if (last < seen || last - seen > InvalidationFeed.RingLength)
        {
            DropAll(last < seen ? "counter went back" : "fell behind the ring");
            _seen = last;
            _waitingFor = 0;
            return;
        }

        var entries = await _feed.ReadSlotsAsync(seen + 1, last, cancellationToken).ConfigureAwait(false);
        ulong? notYet = null;
        for (var i = 0; i < entries.Length; i++)
        {
            var expected = seen + 1 + (ulong)i;
            var entry = entries[i];
            if (entry is { } e && e.Sequence == expected)
            {
                Apply(e);
                continue;
            }

            if (entry is { } newer && newer.Sequence > expected)
            {
                DropAll("fell behind the ring");
                _seen = last;
                _waitingFor = 0;
                return;
            }

            // Missing, or still the entry a ring length older: its writer has incremented the counter but not written
            // the slot yet. Read it again at the next poll; if it is still not there, its writer failed or we are too slow.
            if (_waitingFor == expected)
            {
                DropAll("slot never written");
                _seen = last;
                _waitingFor = 0;
                return;
            }

            notYet ??= expected;
        }

        if (notYet is { } waiting)
        {
            // The entries after it were applied already; applying them again at the next poll is harmless.
            _waitingFor = waiting;
            _seen = waiting - 1;
            return;
        }

        _seen = last;
        _waitingFor = 0;
    }

    /// <summary>
    /// The first poll: copies may have been kept before it, so every invalidation the ring still holds is applied (more
    /// than needed is only a miss); when the ring may not reach back to this process's start, every copy is dropped.
    /// </summary>
    private async Task FirstSyncAsync(ulong last, CancellationToken cancellationToken)
    {
        var first = last >= InvalidationFeed.RingLength ? last - InvalidationFeed.RingLength + 1 : 0;
        var entries = await _feed.ReadSlotsAsync(first, last, cancellationToken).ConfigureAwait(false);
        var full = true;
        var oldest = long.MaxValue;
        var seen = last;
        for (var i = entries.Length - 1; i >= 0; i--)
        {
            var expected = first + (ulong)i;
            if (entries[i] is { } entry && entry.Sequence <= last)
            {
                Apply(entry);
                oldest = Math.Min(oldest, entry.UnixMilliseconds);
            }

            if (entries[i] is not { } present || present.Sequence != expected)
            {
                full = false;
                if (expected == seen && expected > 0)
                {
                    // The newest slots may still be being written: read them again at the next poll.
                    seen = expected - 1;
                }
            }
        }

        if (full && oldest >= (_created - ClockSkewMargin).ToUnixTimeMilliseconds())
        {
            DropAll("ring younger than this process");
        }

        _seen = seen;
        _waitingFor = 0;
    }

    private void Apply(InvalidationFeedEntry entry)
    {
        if (entry.Kind == InvalidationFeedKind.Tag)
        {
            RaiseGeneration(entry.Name, entry.Generation);
        }
        else if (entry.Kind == InvalidationFeedKind.Key)
        {
            Remove(entry.Name);
        }
    }

    /// <summary>Records a tag's newer generation: copies built with an older one are stale from now on.</summary>
    private void RaiseGeneration(string tag, ulong generation)
        => _generations.AddOrUpdate(tag, static (_, latest) => latest, static (_, old, latest) => Math.Max(old, latest), generation);

    /// <summary>Drops every copy, two-tier and outage: this process no longer knows what was invalidated.</summary>
    private void DropAll(string reason)
    {
        _logger.TwoTierFeedResync(reason);
        Interlocked.Increment(ref _epoch);
        _copies.Clear();
    }

    /// <summary>
    /// Now and then, forgets the generations of tags no copy carries any more, so tags seen once (made from URL input)
    /// do not pile up. A tag forgotten while a copy is being kept with it only makes that copy miss.
    /// </summary>
    private void SweepGenerations()
    {
        var now = _time.GetUtcNow();
        if (now - _lastSweep < _options.LocalExpiration || _generations.IsEmpty)
        {
            return;
        }

        _lastSweep = now;
        var carried = new HashSet<string>(StringComparer.Ordinal);
        AddTags(_copies, carried);
        AddTags(_outage, carried);
        foreach (var tag in _generations.Keys)
        {
            if (!carried.Contains(tag))
            {
                _generations.TryRemove(tag, out _);
            }
        }

        static void AddTags(Microsoft.Extensions.Caching.Memory.MemoryCache cache, HashSet<string> carried)
        {
            foreach (var key in cache.Keys)
            {
                if (cache.TryGetValue(key, out var value) && value is LocalFragmentCopy copy)
                {
                    for (var i = 0; i < copy.Tags.Count; i++)
                    {
                        carried.Add(copy.Tags[i].Tag);
                    }
                }
            }
        }
    }
}
