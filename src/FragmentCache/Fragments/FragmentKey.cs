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

    private FragmentKey(string name, string canonical, string storeKey)
    {
        Name = name;
        Canonical = canonical;
        StoreKey = storeKey;
    }

    /// <summary>The fragment's name.</summary>
    public string Name { get; }

    /// <summary>The canonical form of name and vary values; stored inside each entry and checked on read.</summary>
    public string Canonical { get; }

    /// <summary>The key handed to the store (before the key prefix and version are added).</summary>
    public string StoreKey { get; }

    /// <summary>Builds the key of a fragment.</summary>
    /// <param name="name">The fragment's name; must not be empty.</param>
    /// <param name="varyValues">The values the fragment varies by, in order; <see langword="null"/> or empty for none.</param>
    /// <returns>The key.</returns>
    public static FragmentKey Create(string name, IReadOnlyList<object?>? varyValues)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var builder = new StringBuilder(name.Length + 16);
        Append(builder, name);
        if (varyValues is not null)
        {
            for (var i = 0; i < varyValues.Count; i++)
            {
                Append(builder, Format(varyValues[i]));
            }
        }

        var canonical = builder.ToString();
        var hash = Hash(canonical);
        var storeKey = IsReadable(name) ? "fragment:" + name + ":" + hash : "fragment:" + hash;
        return new FragmentKey(name, canonical, storeKey);
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
        var bytes = Encoding.UTF8.GetBytes(canonical);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, digest);
        return Base64Url.EncodeToString(digest);
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
}
