namespace FragmentCache;

/// <content>Multi-key operations.</content>
internal sealed partial class DefaultCache
{
    public async ValueTask<IReadOnlyDictionary<string, T?>> GetManyAsync<T>(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var byFullKey = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            byFullKey[_keys.BuildCallerKey(key, _version)] = key;
        }

        var result = new Dictionary<string, T?>(byFullKey.Count, StringComparer.Ordinal);
        if (byFullKey.Count == 0)
        {
            return result;
        }

        IReadOnlyDictionary<string, CacheItem> found;
        try
        {
            found = await _store.GetManyAsync([.. byFullKey.Keys], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Swallow(ex, "get-many"))
        {
            return result;
        }

        foreach (var (fullKey, item) in found)
        {
            if (byFullKey.TryGetValue(fullKey, out var key) && _codec.TryDecode<T>(item, out var value))
            {
                result[key] = value;
            }
        }

        return result;
    }

    public async ValueTask<IReadOnlyList<string>> SetManyAsync<T>(IEnumerable<KeyValuePair<string, T>> values, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var failed = new List<string>();
        var expiration = Expiration(timeout);
        foreach (var (key, value) in values)
        {
            try
            {
                if (!await _store.SetAsync(_keys.BuildCallerKey(key, _version), _codec.Encode(value), expiration, cancellationToken).ConfigureAwait(false))
                {
                    failed.Add(key);
                }
            }
            catch (Exception ex) when (Swallow(ex, "set-many"))
            {
                failed.Add(key);
            }
        }

        return failed;
    }
}
