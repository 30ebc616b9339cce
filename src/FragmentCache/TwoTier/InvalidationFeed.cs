using System.Buffers.Text;
using System.Text;

namespace FragmentCache;

/// <summary>
/// The store's invalidation feed, which the two-tier copies of every node follow: one sequence counter, incremented by
/// every invalidation, and a ring of the <see cref="RingLength"/> most recent invalidations, one store key per slot
/// (sequence modulo the ring length), each naming its sequence and what it invalidated (a tag with its new generation, or
/// one fragment key). A node reads the counter on every poll (one get, whatever the number of tags) and the ring only
/// when the counter moved.
/// </summary>
/// <remarks>
/// A writer increments the counter first and writes its slot second, so a reader may see a sequence whose slot is not
/// written yet: it reads that slot again at its next poll. A slot holding a later sequence was overwritten before the
/// reader got to it: the reader fell behind the ring.
/// </remarks>
internal sealed class InvalidationFeed(ICacheStore store, CacheKeyBuilder keys, TimeProvider timeProvider)
{
    /// <summary>
    /// How many invalidations the ring keeps: a node that misses more between two polls (ten a millisecond at the default
    /// one-second poll) drops all its copies. Every node of a store must use the same length.
    /// </summary>
    internal const int RingLength = 1024;

    private const string Name = "fragment-feed";

    private FeedKeys? _keys;

    /// <summary>The counter's store key.</summary>
    public string SequenceKey => Keys().Sequence;

    /// <summary>The store key of the slot that holds <paramref name="sequence"/>.</summary>
    public string SlotKey(ulong sequence) => Keys().Slots[(int)(sequence % RingLength)];

    /// <summary>Appends an invalidation: increments the counter, then writes the slot it names. Returns its sequence.</summary>
    public async ValueTask<ulong> PublishAsync(InvalidationFeedKind kind, string name, ulong generation, CancellationToken cancellationToken)
    {
        // A sequence is always the result of adding one to a counter that exists: the value a counter is created with
        // (a time seed, see CreateSequenceAsync) never names an entry, so a node that finds the counter at its creation
        // value has nothing to read.
        var sequence = await store.IncrementAsync(SequenceKey, 1, null, null, cancellationToken).ConfigureAwait(false);
        if (sequence is null)
        {
            await CreateSequenceAsync(cancellationToken).ConfigureAwait(false);
            sequence = await store.IncrementAsync(SequenceKey, 1, null, null, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The invalidation feed's counter vanished as it was created.");
        }

        var entry = new InvalidationFeedEntry(sequence.Value, timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), kind, generation, name);
        await store.SetAsync(SlotKey(sequence.Value), new CacheItem(Encode(entry), CacheItemFlags.Value | CacheItemFlags.RawBytes), null, cancellationToken).ConfigureAwait(false);
        return sequence.Value;
    }

    /// <summary>The counter now; null when it does not exist.</summary>
    public async ValueTask<ulong?> ReadSequenceAsync(CancellationToken cancellationToken)
        => await store.GetAsync(SequenceKey, cancellationToken).ConfigureAwait(false) is { } item && DecimalValue.TryParse(item.Value.Span, out var value)
            ? value
            : null;

    /// <summary>
    /// Creates the counter if it is missing, from a time seed (so a counter lost and created again looks, to a node that
    /// followed the old one, like a jump past the ring or backwards), or reads it if another node just did.
    /// <c>Created</c>: the value is this call's seed, which no entry carries.
    /// </summary>
    public async ValueTask<(ulong Sequence, bool Created)> CreateSequenceAsync(CancellationToken cancellationToken)
    {
        var seed = Seed();
        var value = await store.IncrementAsync(SequenceKey, 0, seed, null, cancellationToken).ConfigureAwait(false) ?? seed;
        if (value != seed)
        {
            return (value, false);
        }

        // The creation value's slot holds a start mark, so a node that reads the counter at that value finds its slot
        // written, as for any other sequence, and does not wait for it.
        var start = new InvalidationFeedEntry(seed, timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), InvalidationFeedKind.Start, 0, "start");
        await store.SetAsync(SlotKey(seed), new CacheItem(Encode(start), CacheItemFlags.Value | CacheItemFlags.RawBytes), null, cancellationToken).ConfigureAwait(false);
        return (value, true);
    }

    /// <summary>
    /// Reads the slots of the sequences <paramref name="first"/> to <paramref name="last"/> (at most <see cref="RingLength"/>)
    /// with one get-many; each result is the entry the slot holds now (any sequence), or null when the slot is missing or unreadable.
    /// </summary>
    public async ValueTask<InvalidationFeedEntry?[]> ReadSlotsAsync(ulong first, ulong last, CancellationToken cancellationToken)
    {
        var count = (int)(last - first + 1);
        var slotKeys = new string[count];
        for (var i = 0; i < count; i++)
        {
            slotKeys[i] = SlotKey(first + (ulong)i);
        }

        var found = await store.GetManyAsync(slotKeys, cancellationToken).ConfigureAwait(false);
        var entries = new InvalidationFeedEntry?[count];
        for (var i = 0; i < count; i++)
        {
            entries[i] = found.TryGetValue(slotKeys[i], out var item) && TryDecode(item.Value.Span, out var entry) ? entry : null;
        }

        return entries;
    }

    /// <summary>The stored form: <c>sequence unix-ms kind generation</c>, a line feed, then the tag or key (UTF-8).</summary>
    internal static byte[] Encode(InvalidationFeedEntry entry)
    {
        var header = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{entry.Sequence} {entry.UnixMilliseconds} {Letter(entry.Kind)} {entry.Generation}\n");
        var bytes = new byte[header.Length + Encoding.UTF8.GetByteCount(entry.Name)];
        var written = Encoding.ASCII.GetBytes(header, bytes);
        Encoding.UTF8.GetBytes(entry.Name, bytes.AsSpan(written));
        return bytes;
    }

    private static char Letter(InvalidationFeedKind kind) => kind switch
    {
        InvalidationFeedKind.Tag => 't',
        InvalidationFeedKind.Key => 'k',
        _ => 's',
    };

    internal static bool TryDecode(ReadOnlySpan<byte> value, out InvalidationFeedEntry entry)
    {
        entry = default;
        var newline = value.IndexOf((byte)'\n');
        if (newline < 0)
        {
            return false;
        }

        var header = value[..newline];
        if (!Utf8Parser.TryParse(header, out ulong sequence, out var used) || !Skip(ref header, used)
            || !Utf8Parser.TryParse(header, out long unixMs, out used) || !Skip(ref header, used)
            || header.Length < 3 || header[1] != (byte)' ')
        {
            return false;
        }

        var kind = header[0] switch
        {
            (byte)'t' => InvalidationFeedKind.Tag,
            (byte)'k' => InvalidationFeedKind.Key,
            (byte)'s' => InvalidationFeedKind.Start,
            _ => (InvalidationFeedKind)0,
        };
        header = header[2..];
        if (kind == 0 || !Utf8Parser.TryParse(header, out ulong generation, out used) || used != header.Length)
        {
            return false;
        }

        var name = value[(newline + 1)..];
        if (name.IsEmpty)
        {
            return false;
        }

        entry = new InvalidationFeedEntry(sequence, unixMs, kind, generation, Encoding.UTF8.GetString(name));
        return true;

        static bool Skip(ref ReadOnlySpan<byte> rest, int used)
        {
            if (used >= rest.Length || rest[used] != (byte)' ')
            {
                return false;
            }

            rest = rest[(used + 1)..];
            return true;
        }
    }

    private FeedKeys Keys()
    {
        var version = keys.DefaultVersion;
        if (_keys is { } known && known.Version == version)
        {
            return known;
        }

        var slots = new string[RingLength];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = keys.Build(Name + ":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), version);
        }

        var built = new FeedKeys(version, keys.Build(Name, version), slots);
        _keys = built;
        return built;
    }

    private sealed record FeedKeys(int Version, string Sequence, string[] Slots);

    private ulong Seed() => (ulong)Math.Max(0, timeProvider.GetUtcNow().ToUnixTimeMilliseconds()) * 1000;
}

/// <summary>What an invalidation in the feed names.</summary>
internal enum InvalidationFeedKind
{
    /// <summary>A tag, with its new generation.</summary>
    Tag = 1,

    /// <summary>One fragment, by its canonical key.</summary>
    Key = 2,

    /// <summary>No invalidation: the mark in the slot of the counter's creation value.</summary>
    Start = 3,
}

/// <summary>One invalidation of the feed: its sequence, when it was written (the writer's clock), and what it names.</summary>
internal readonly record struct InvalidationFeedEntry(ulong Sequence, long UnixMilliseconds, InvalidationFeedKind Kind, ulong Generation, string Name);
