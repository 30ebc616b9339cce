using System.Buffers;
using System.Runtime.CompilerServices;
using FragmentCache.Memcached.Connections;
using System.Text;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Memcached;

public sealed partial class MemcachedClient
{
    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<T?> GetAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var item = await GetItemAsync(key, default, cancellationToken).ConfigureAwait(false);
        if (!item.IsHit)
        {
            return default;
        }

        return Decode<T>(item, out _);
    }

    /// <inheritdoc />
    public ValueTask<MemcachedItem> GetItemAsync(string key, MemcachedGetOptions options = default, CancellationToken cancellationToken = default)
        => GetItemAsync(key, options, null, cancellationToken);

    /// <summary>
    /// <see cref="GetItemAsync(string, MemcachedGetOptions, CancellationToken)"/>, receiving a hit's bytes into an array
    /// rented from <paramref name="valuePool"/> when one is given: the item's <see cref="MemcachedItem.Rented"/> then owns
    /// them, and the caller disposes it once it is done with the bytes.
    /// </summary>
    /// <remarks>
    /// The common case (an open connection, no span to record) sends at once and returns a task backed by the pooled
    /// operation itself, which turns the reply into the item when the caller takes the result: no async state machine
    /// sits between the connection's reader and the caller. Everything else goes through <see cref="GetItemSlowAsync"/>.
    /// </remarks>
    internal ValueTask<MemcachedItem> GetItemAsync(string key, MemcachedGetOptions options, ArrayPool<byte>? valuePool, CancellationToken cancellationToken)
    {
        if (key is not null && !Disposed && !cancellationToken.IsCancellationRequested && !MemcachedActivities.Source.HasListeners())
        {
            var wireKey = MemcachedKey.ToWireKey(key);
            var server = Route(wireKey);
            if (server.TryGetOpenConnection(out var connection)
                && TrySend("get", server, connection, GetRequest(wireKey, options), default, valuePool, out var started) is { } op)
            {
                return op.AsItemValueTask(this, server, options, started, cancellationToken);
            }
        }

        return GetItemSlowAsync(key!, options, valuePool, cancellationToken);
    }

    /// <summary><see cref="GetItemAsync(string, MemcachedGetOptions, ArrayPool{byte}?, CancellationToken)"/> with every check, a span, and a wait for a connection.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<MemcachedItem> GetItemSlowAsync(string key, MemcachedGetOptions options, ArrayPool<byte>? valuePool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var wireKey = MemcachedKey.ToWireKey(key);
        var server = Route(wireKey);
        var request = GetRequest(wireKey, options);
        ObjectDisposedException.ThrowIf(Disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        using var activity = MemcachedActivities.Start("get", server.EndPoint);
        var pending = server.GetConnectionAsync(cancellationToken);
        MemcachedConnection? connection;
        if (pending.IsCompletedSuccessfully)
        {
            connection = pending.Result;
        }
        else
        {
            try
            {
                connection = await pending.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                connection = null;
            }
        }

        var op = TrySend("get", server, connection, request, default, valuePool, out var started);
        if (op is null)
        {
            return ToItem(Unavailable("get", server), options);
        }

        // The same awaitable as the common case: the operation turns its outcome into the item, here inside the span.
        return await op.AsItemValueTask(this, server, options, started, cancellationToken).ConfigureAwait(false);
    }

    private MetaRequest GetRequest(string wireKey, in MemcachedGetOptions options)
    {
        var request = MetaRequest.Create(MetaCommand.Get, wireKey);
        request.ReturnValue = true;
        bool lease = options.LeaseTime.HasValue || options.RecacheWindow.HasValue;
        request.ReturnCas = options.IncludeCas || lease;
        request.ReturnTtl = options.IncludeTimeToLive;
        if (options.LeaseTime is { } leaseTime)
        {
            request.VivifyTtl = LeaseSeconds(leaseTime);
        }

        if (options.RecacheWindow is { } window)
        {
            request.RecacheTtl = LeaseSeconds(window);
        }

        if (options.Touch is { } touch)
        {
            request.Ttl = Ttl(touch);
        }

        return request;
    }

    /// <summary>The item for a sent get's outcome, its reply or the error it ended with (see <see cref="Finish"/>).</summary>
    internal MemcachedItem FinishGet(MemcachedServer server, in MemcachedGetOptions options, MemcachedMetrics.OperationScope started,
        CancellationToken cancellationToken, in MetaResult reply, Exception? error) =>
        ToItem(Finish("get", server, started, cancellationToken, reply, error), options);

    private MemcachedItem ToItem(in MetaResult? result, in MemcachedGetOptions options)
    {
        if (result is not { } reply)
        {
            _metrics.Miss();
            return new MemcachedItem(MemcachedItemStatus.Failed, null, 0, 0, null, false, false, false, _serializer);
        }

        var ttl = reply.Ttl is MetaReply.NoTtl or < 0 ? (TimeSpan?)null : TimeSpan.FromSeconds(reply.Ttl);
        if (reply.Code != ReplyCode.Value)
        {
            _metrics.Miss();
            return new MemcachedItem(MemcachedItemStatus.Miss, null, 0, 0, null, false, false, false, _serializer);
        }

        // A lease placeholder is an empty item without our "real value" flag bit: a miss that may carry the lease.
        bool placeholder = MemcachedValueCodec.IsPlaceholder(reply.ValueLength, reply.ClientFlags)
            && !(options.EmptyIsValue && !reply.TokenSent && !reply.Won);
        if (placeholder)
        {
            _metrics.Miss();
            return new MemcachedItem(MemcachedItemStatus.Miss, null, 0, reply.Cas, ttl, reply.Won, reply.Stale, reply.TokenSent && !reply.Won, _serializer);
        }

        _metrics.Hit();
        return new MemcachedItem(MemcachedItemStatus.Hit, reply.Value, reply.ClientFlags, reply.Cas, ttl, reply.Won, reply.Stale,
            reply.TokenSent && !reply.Won, _serializer, reply.Rented);
    }

    /// <inheritdoc />
    public async Task<IDictionary<string, T?>> GetManyAsync<T>(IEnumerable<string> keys, CancellationToken cancellationToken = default) =>
        await GetManyItemsAsync(keys, item => (Decode<T>(item, out bool ok), ok), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Gets many raw items (one pipelined batch per server, servers in parallel) and returns the hits that
    /// <paramref name="convert"/> accepts, converted: one dictionary, built once.
    /// </summary>
    internal Task<Dictionary<string, TValue>> GetManyItemsAsync<TValue>(IEnumerable<string> keys,
        Func<MemcachedItem, (TValue Value, bool Keep)> convert, CancellationToken cancellationToken)
        => GetManyItemsAsync(keys, convert, emptyIsValue: false, cancellationToken);

    /// <summary>
    /// <see cref="GetManyItemsAsync{TValue}(IEnumerable{string}, Func{MemcachedItem, ValueTuple{TValue, bool}}, CancellationToken)"/>;
    /// with <paramref name="emptyIsValue"/>, an empty item without a lease token is a hit (as <see cref="MemcachedGetOptions.EmptyIsValue"/>).
    /// </summary>
    internal async Task<Dictionary<string, TValue>> GetManyItemsAsync<TValue>(IEnumerable<string> keys,
        Func<MemcachedItem, (TValue Value, bool Keep)> convert, bool emptyIsValue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ObjectDisposedException.ThrowIf(Disposed, this);
        // Group distinct keys by server, keeping each wire key's original key. Sized from the key count when it is known:
        // a hundred keys would otherwise regrow every list and set five times.
        int expected = keys.TryGetNonEnumeratedCount(out int count) ? count : 0;
        int perServer = _servers.Length == 1 ? expected : 0;
        var batches = new Dictionary<MemcachedServer, (List<string> Wire, List<string> Original)>();
        var seen = new HashSet<string>(expected, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
            if (!seen.Add(key))
            {
                continue;
            }

            var wireKey = MemcachedKey.ToWireKey(key);
            var server = Route(wireKey);
            if (!batches.TryGetValue(server, out var batch))
            {
                batch = (new List<string>(perServer), new List<string>(perServer));
                batches.Add(server, batch);
            }

            batch.Wire.Add(wireKey);
            batch.Original.Add(key);
        }

        var tasks = new List<Task<(List<string> Original, int Offset, MultiGetHit[]? Results)>>(batches.Count);
        foreach (var (server, batch) in batches)
        {
            for (int offset = 0; offset < batch.Wire.Count; offset += MultiGetChunk)
            {
                int chunk = Math.Min(MultiGetChunk, batch.Wire.Count - offset);
                var wire = chunk == batch.Wire.Count ? batch.Wire : batch.Wire.GetRange(offset, chunk);
                tasks.Add(GetChunkAsync(server, wire, batch.Original, offset, cancellationToken));
            }
        }

        var found = new Dictionary<string, TValue>(seen.Count, StringComparer.Ordinal);
        if (tasks.Count == 1)
        {
            // One server, one chunk (the common case): no WhenAll around a single task.
            Collect(await tasks[0].ConfigureAwait(false), found, convert, emptyIsValue);
        }
        else
        {
            foreach (var chunk in await Task.WhenAll(tasks).ConfigureAwait(false))
            {
                Collect(chunk, found, convert, emptyIsValue);
            }
        }

        return found;
    }

    /// <summary>Adds one chunk's hits that <paramref name="convert"/> keeps to <paramref name="found"/>, counting hits and misses.</summary>
    private void Collect<TValue>((List<string> Original, int Offset, MultiGetHit[]? Results) chunk, Dictionary<string, TValue> found,
        Func<MemcachedItem, (TValue Value, bool Keep)> convert, bool emptyIsValue)
    {
        var (original, offset, results) = chunk;
        if (results is null)
        {
            _metrics.Miss(Math.Min(MultiGetChunk, original.Count - offset));
            return;
        }

        int hits = 0;
        for (int i = 0; i < results.Length; i++)
        {
            var result = results[i];
            if (result.Value is null || (MemcachedValueCodec.IsPlaceholder(result.Value.Length, result.ClientFlags)
                && !(emptyIsValue && !result.TokenSent && !result.Won)))
            {
                continue;
            }

            hits++;
            var (value, keep) = convert(new MemcachedItem(MemcachedItemStatus.Hit, result.Value, result.ClientFlags, 0, null,
                result.Won, result.Stale, false, _serializer));
            if (keep)
            {
                found[original[offset + i]] = value;
            }
        }

        if (hits > 0)
        {
            _metrics.Hit(hits);
        }

        if (hits < results.Length)
        {
            _metrics.Miss(results.Length - hits);
        }
    }

    private async Task<(List<string> Original, int Offset, MultiGetHit[]? Results)> GetChunkAsync(
        MemcachedServer server, List<string> wireKeys, List<string> original, int offset, CancellationToken cancellationToken)
    {
        using var activity = MemcachedActivities.Start("get_many", server.EndPoint, wireKeys.Count);
        var connection = await server.GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            Unavailable("get_many", server);
            return (original, offset, null);
        }

        var started = _metrics.Start("get_many", server.EndPoint);
        try
        {
            var op = new MultiGetOperation(wireKeys);
            if (!connection.TryEnqueue(op))
            {
                Unavailable("get_many", server);
                return (original, offset, null);
            }

            return (original, offset, await op.Completion.WaitAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed("get_many", server, ex);
            return (original, offset, null);
        }
        finally
        {
            _metrics.Stop("get_many", server.EndPoint, started);
        }
    }

    private T? Decode<T>(in MemcachedItem item, out bool ok)
    {
        if (typeof(T) == typeof(byte[]) && (item.Flags & ~MemcachedFlags.Value) == MemcachedFlags.FormatRaw
            && System.Runtime.InteropServices.MemoryMarshal.TryGetArray(item.RawValue, out var segment)
            && segment.Offset == 0 && segment.Count == segment.Array!.Length)
        {
            // Raw, uncompressed bytes: the value's own buffer is the result; no second copy.
            ok = true;
            return (T)(object)segment.Array;
        }

        return Decode<T>(item.RawValue.Span, item.Flags, out ok);
    }

    private T? Decode<T>(ReadOnlySpan<byte> value, uint flags, out bool ok)
    {
        try
        {
            ok = true;
            return MemcachedValueCodec.Decode<T>(value, flags, _serializer);
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or NotSupportedException or DecoderFallbackException)
        {
            ok = false;
            Log.UndecodableValue(_logger, ex.Message);
            return default;
        }
    }
}
