using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Buffers.Text;

namespace FragmentCache;

/// <summary>
/// The key of one cached fragment: its name plus its vary values (Django's
/// <c>make_template_fragment_key</c>, without its collisions).
/// </summary>
/// <remarks>
/// <para>The canonical form length-prefixes every part (<c>{length}:{text}</c>, <c>~</c> for
/// <see langword="null"/>), so <c>["a:b"]</c> and <c>["a", "b"]</c> never collide. A part holding invalid
/// UTF-16 (a lone surrogate) is escaped (<c>!{length}:{text}</c>, lone surrogates as <c>\uXXXX</c>), so it
/// collides neither with another lone surrogate nor with U+FFFD. Values are formatted
/// culture-invariantly: numbers and dates as <see cref="CultureInfo.InvariantCulture"/> prints them
/// (dates round-trip, <c>"O"</c>), booleans as <c>true</c>/<c>false</c>.</para>
/// <para>The store key is <c>fragment:{name}:{sha256}</c>, where the hash is the base64url SHA-256
/// of the UTF-8 canonical form; the name is kept only when it is short (at most 64 characters) and
/// made of printable ASCII other than <c>:</c>, otherwise the key is <c>fragment:{sha256}</c>. Either
/// way the key uses only characters 0x21-0x7E and is at most 117 characters.</para>
/// </remarks>
public sealed class FragmentKey : IEquatable<FragmentKey>
{
    /// <summary>The longest fragment name kept readable in <see cref="StoreKey"/>: 64 characters.</summary>
    public const int MaxReadableNameLength = 64;

    private const string StorePrefix = "fragment:";

    /// <summary>How many keys are remembered by canonical form (process-wide) before the memory starts over.</summary>
    internal const int MaxRememberedKeys = 4096;

    /// <summary>The longest canonical form that is remembered (longer ones are built per call, as they are rarely repeated).</summary>
    internal const int MaxRememberedCanonicalLength = 512;

    [ThreadStatic]
    private static StringBuilder? t_builder;

    // Keys by canonical form, bounded (MaxRememberedKeys, then cleared): Create finds a repeated key without a string.
    private static readonly ConcurrentDictionary<string, FragmentKey> s_remembered = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, FragmentKey>.AlternateLookup<ReadOnlySpan<char>> s_rememberedBySpan =
        s_remembered.GetAlternateLookup<ReadOnlySpan<char>>();
    private static int s_rememberedCount;

    // The SHA-256 of the canonical form, computed when a store key is first needed: a two-tier hit finds its
    // in-process copy by the canonical form alone and never hashes.
    private Digest _digest;
    private volatile bool _hashed;
    private string? _storeKey;

    private FragmentKey(string name, string canonical)
    {
        Name = name;
        Canonical = canonical;
    }

    /// <summary>The fragment's name.</summary>
    public string Name { get; }

    /// <summary>The canonical form of name and vary values; stored inside each entry and checked on read.</summary>
    public string Canonical { get; }

    /// <summary>The key handed to the store (before the key prefix and version are added).</summary>
    public string StoreKey => _storeKey ??= WithPrefix("");

    /// <summary>Builds the key of a fragment.</summary>
    /// <param name="name">The fragment's name; must not be empty.</param>
    /// <param name="varyValues">The values the fragment varies by, in order; <see langword="null"/> or empty for none.</param>
    /// <returns>The key.</returns>
    public static FragmentKey Create(string name, IReadOnlyList<object?>? varyValues)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        // One builder per thread: a key is built on every request, and the builder would be most of its garbage.
        var builder = t_builder ?? new StringBuilder(256);
        t_builder = null;
        builder.Clear();
        Append(builder, name);
        if (varyValues is not null)
        {
            for (var i = 0; i < varyValues.Count; i++)
            {
                Append(builder, Format(varyValues[i]));
            }
        }

        var key = Remembered(builder) ?? Remember(new FragmentKey(name, builder.ToString()));
        if (builder.Capacity <= 4096)
        {
            t_builder = builder;
        }

        return key;
    }

    /// <summary>
    /// The key already built for the canonical form in <paramref name="builder"/>, if it is remembered: a key is
    /// immutable and equal to any other of the same canonical form (which starts with its name), so a repeated
    /// name and vary values (every hit on a known fragment or page) share one key, its canonical string and its hash.
    /// </summary>
    private static FragmentKey? Remembered(StringBuilder builder)
    {
        var length = builder.Length;
        if (length > MaxRememberedCanonicalLength)
        {
            return null;
        }

        Span<char> canonical = stackalloc char[MaxRememberedCanonicalLength];
        builder.CopyTo(0, canonical, length);
        return s_rememberedBySpan.TryGetValue(canonical[..length], out var known) ? known : null;
    }

    /// <summary>Remembers <paramref name="key"/> when its canonical form is short enough, starting over past <see cref="MaxRememberedKeys"/>.</summary>
    private static FragmentKey Remember(FragmentKey key)
    {
        if (key.Canonical.Length > MaxRememberedCanonicalLength)
        {
            return key;
        }

        if (Interlocked.Increment(ref s_rememberedCount) > MaxRememberedKeys)
        {
            s_remembered.Clear();
            Volatile.Write(ref s_rememberedCount, 1);
        }

        return s_remembered.GetOrAdd(key.Canonical, key);
    }

    /// <summary>
    /// <paramref name="prefix"/> followed by <see cref="StoreKey"/>, built in one string (the full key of the default
    /// key function is <c>{KeyPrefix}:{version}:</c> plus the store key, and a hit should build it only once).
    /// </summary>
    internal string WithPrefix(string prefix)
    {
        if (!_hashed)
        {
            // Two threads may both get here: they write the same bytes, and the flag is set after them.
            HashUtf8(Canonical, _digest);
            _hashed = true;
        }

        var readable = IsReadable(Name);
        var length = prefix.Length + StorePrefix.Length + (readable ? Name.Length + 1 : 0) + Base64Url.GetEncodedLength(SHA256.HashSizeInBytes);
        return string.Create(length, (Key: this, Prefix: prefix, Readable: readable), static (span, state) =>
        {
            state.Prefix.CopyTo(span);
            var at = state.Prefix.Length;
            StorePrefix.CopyTo(span[at..]);
            at += StorePrefix.Length;
            if (state.Readable)
            {
                state.Key.Name.CopyTo(span[at..]);
                at += state.Key.Name.Length;
                span[at++] = ':';
            }

            Base64Url.EncodeToChars(state.Key._digest, span[at..]);
        });
    }

    /// <inheritdoc/>
    public bool Equals(FragmentKey? other) => other is not null && string.Equals(Canonical, other.Canonical, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as FragmentKey);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Canonical);

    /// <summary>Returns <see cref="StoreKey"/>.</summary>
    /// <returns>The store key.</returns>
    public override string ToString() => StoreKey;

    internal static string Hash(string canonical)
    {
        var digest = default(Digest);
        HashUtf8(canonical, digest);
        return Base64Url.EncodeToString(digest);
    }

    private static void HashUtf8(string text, Span<byte> digest)
    {
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> utf8 = length <= 1024 ? stackalloc byte[length] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length));
        var written = Encoding.UTF8.GetBytes(text, utf8);
        SHA256.HashData(utf8[..written], digest);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    internal static bool IsReadable(string name)
    {
        if (name.Length > MaxReadableNameLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is < '!' or > '~' or ':')
            {
                return false;
            }
        }

        return true;
    }

    private static void Append(StringBuilder builder, string? part)
    {
        if (part is null)
        {
            builder.Append('~');
            return;
        }

        if (part.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0 && HasLoneSurrogate(part))
        {
            // UTF-8 (the hash and the stored entry) turns every lone surrogate into U+FFFD, so "\uD800", "\uDBFF"
            // and "\uFFFD" would share one key. Such a part is escaped instead: '!' (never the first character of a
            // plain part), then lone surrogates as \uXXXX and '\' doubled - injective, and valid UTF-16.
            var escaped = EscapeLoneSurrogates(part);
            builder.Append('!').Append(escaped.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(escaped);
            return;
        }

        builder.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part);
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static string EscapeLoneSurrogates(string text)
    {
        var builder = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else if (c == '\\')
            {
                builder.Append("\\\\");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A SHA-256 digest held inline, so a key is one object.</summary>
    [System.Runtime.CompilerServices.InlineArray(SHA256.HashSizeInBytes)]
    private struct Digest
    {
        private byte _first;
    }
}
