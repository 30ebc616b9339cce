using Microsoft.Extensions.Caching.Memory;

namespace FragmentCache;

/// <content>
/// Outage copies (<see cref="FragmentCacheOutageOptions"/>): fragments rendered while the store reported their key's
/// server down, kept apart from the two-tier copies (whatever the two-tier setting) in a cache of at most
/// <see cref="FragmentCacheOutageOptions.MaxEntries"/> copies, each served for at most
/// <see cref="FragmentCacheOutageOptions.CopyLifetime"/>. A poll failure, which a dead server causes, does not drop them:
/// their lifetime is their bound. An invalidation in this process drops them (<see cref="Remove"/>,
/// <see cref="DropOutageCopies"/>); a tag generation that moved (seen here or polled) makes a copy stale; a tag whose
/// counter cannot be read leaves the copy to its lifetime.
/// </content>
internal sealed partial class LocalFragmentTier
{
    private readonly FragmentCacheOutageOptions _outageOptions;
    private readonly MemoryCache _outage;
    private volatile bool _outageKept;

    /// <summary>Whether outage copies are kept (<see cref="FragmentCacheOutageOptions.Enabled"/>).</summary>
    public bool OutageEnabled => _outageOptions.Enabled;

    /// <summary>The outage copy under <paramref name="key"/> if it is still current (and of <paramref name="kind"/>, when given), else null.</summary>
    public LocalFragmentCopy? TryGetOutageCopy(string key, FragmentContentKind? kind)
    {
        if (!_outageKept || !_outage.TryGetValue(key, out LocalFragmentCopy? copy) || copy is null || (kind is { } expected && copy.Kind != expected))
        {
            return null;
        }

        if (copy.Epoch != Epoch || !OutageTagsCurrent(copy.Tags))
        {
            _outage.Remove(key);
            return null;
        }

        return copy;
    }

    /// <summary>
    /// Keeps a fragment rendered while the server of its key or of one of its tag counters (<paramref name="downKeys"/>)
    /// is down, for at most the outage copy lifetime (and <paramref name="expiration"/>).
    /// </summary>
    public void SetOutageCopy(string key, FragmentContentKind kind, ReadOnlyMemory<byte> content, IReadOnlyList<TagGeneration> tags, IReadOnlyList<string> downKeys, TimeSpan? expiration)
    {
        foreach (var tag in tags)
        {
            _generations.AddOrUpdate(tag.Tag, tag.Generation, (_, old) => Math.Max(old, tag.Generation));
        }

        var lifetime = expiration is { } e && e > TimeSpan.Zero && e < _outageOptions.CopyLifetime ? e : _outageOptions.CopyLifetime;
        using var entry = _outage.CreateEntry(key);
        entry.Value = new LocalFragmentCopy(kind, content, tags, Epoch) { DownKeys = downKeys };
        entry.Size = 1;
        entry.AbsoluteExpirationRelativeToNow = lifetime;
        _outageKept = true;
    }

    /// <summary>Drops the outage copy under <paramref name="key"/> (its server is back, or it was invalidated).</summary>
    public void RemoveOutageCopy(string key)
    {
        if (_outageKept)
        {
            _outage.Remove(key);
        }
    }

    /// <summary>
    /// Drops every outage copy: a tag was invalidated in this process, and a copy whose tag counters could not be read
    /// does not know its tags' generations.
    /// </summary>
    public void DropOutageCopies()
    {
        if (_outageKept)
        {
            _outage.Clear();
        }
    }

    /// <summary>The number of outage copies held now (for tests and diagnostics).</summary>
    internal int OutageCopyCount => _outageKept ? _outage.Count : 0;

    private bool OutageTagsCurrent(IReadOnlyList<TagGeneration> tags)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            // A generation that moved makes the copy stale; one that is unknown (its counter unreadable) leaves it to its lifetime.
            if (_generations.TryGetValue(tags[i].Tag, out var generation) && generation != tags[i].Generation)
            {
                return false;
            }
        }

        return true;
    }
}
